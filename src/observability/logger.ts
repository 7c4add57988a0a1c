import { pino, type DestinationStream, type Logger } from 'pino';
import { backgroundClock, type Clock } from '../lib/clock.js';

/**
 * Paths never written as they are, whatever the level: credentials and what users wrote. Lines are built
 * from safe fields in the first place; this is the net under them (e.g. a logged request or payload).
 */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'connectionParams',
  '*.connectionParams',
  'token',
  '*.token',
  'access_token',
  '*.access_token',
  'variables',
  '*.variables',
  'body',
  '*.body',
  'text',
  '*.text',
];

const CENSOR = '[redacted]';

/** Lines are written to stdout in batches of about this many bytes, or at least this often. */
export const LOG_BUFFER_BYTES = 4096;
export const LOG_FLUSH_INTERVAL_MS = 100;
/** Lines held while stdout does not take them (a stalled log shipper); past it new lines are dropped. */
export const LOG_BACKLOG_MAX_BYTES = 16 * 1024 * 1024;

/** Where a buffered destination writes, and how much it holds before writing (pino's `destination` options). */
export interface BufferedDestinationOptions {
  readonly dest: number | string;
  readonly minLength: number;
  readonly maxLength?: number;
  /** Lines held are written at the latest this long after the first of them (none: only by size). */
  readonly flushAfterMs?: number;
  /** Schedules that write; it must not keep the process alive (default: backgroundClock). */
  readonly clock?: Clock;
}

/**
 * pino's asynchronous destination (sonic-boom) holding lines as bytes. In its default text mode it
 * appends each line to one string and takes that string's byte length on every write, which flattens
 * it: a copy of all that is buffered, per line (~2 KiB per line with a 4 KiB buffer, several times the
 * line itself; a third of the request log's allocation). In buffer mode it keeps the lines in a list
 * with their lengths and joins them once per `write(2)`; each line is encoded once, here.
 */
export const bufferedDestination = ({ flushAfterMs, clock = backgroundClock, ...options }: BufferedDestinationOptions): ReturnType<typeof pino.destination> => {
  const stream = pino.destination({ ...options, sync: false, contentMode: 'buffer' });
  // Typed for strings; in buffer mode sonic-boom's write takes Buffers only, and pino gives it strings.
  const writeBytes = stream.write as unknown as (this: typeof stream, bytes: Buffer) => boolean;
  // Not sonic-boom's periodicFlush: that interval writes every time, an empty buffer included, through
  // the thread pool (a write(2) of 0 bytes and three thread wake-ups ten times a second on an idle
  // server). This timer runs only while bytes are held: those taken, less those written or dropped
  // (sonic-boom's documented 'write' and 'drop' events).
  let heldBytes = 0;
  let armed = false;
  let closed = false;
  const arm = () => {
    armed = true;
    clock.setTimeout(onFlushDue, flushAfterMs ?? 0);
  };
  // A flush while a write is in flight does nothing, so the timer stays armed until nothing is held.
  const onFlushDue = () => {
    armed = false;
    if (heldBytes <= 0 || closed) return;
    stream.flush();
    arm();
  };
  stream.on('write', (written: number) => (heldBytes -= written));
  stream.on('drop', (dropped: Buffer) => (heldBytes -= dropped.length));
  stream.on('close', () => (closed = true));
  stream.write = function write(this: typeof stream, line: string): boolean {
    const bytes = Buffer.from(line);
    heldBytes += bytes.length;
    if (flushAfterMs !== undefined && !armed) arm();
    return writeBytes.call(this, bytes);
  };
  return stream;
};

const stdoutDestination = (): DestinationStream =>
  bufferedDestination({
    dest: 1,
    minLength: LOG_BUFFER_BYTES,
    maxLength: LOG_BACKLOG_MAX_BYTES,
    flushAfterMs: LOG_FLUSH_INTERVAL_MS,
  });

/**
 * JSON lines on stdout, one object per event, with credentials and message bodies censored.
 *
 * Buffered: one `write(2)` per ~4 KiB or per 100 ms instead of one per line. With a line per request,
 * the synchronous write was about 9% of the CPU of a `sendMessage` over HTTP. pino flushes what is
 * buffered on every exit path (`process.exit`, a normal end, a fatal error); a SIGKILL loses at most the
 * last 100 ms of lines. While stdout is not read (a stalled log shipper) lines wait in a backlog of at
 * most 16 MiB, past which new lines are dropped rather than memory growing without bound. Tests that run
 * the app in process pass a destination of their own.
 */
export const createLogger = (level: string, destination: DestinationStream = stdoutDestination()): Logger =>
  pino({ level, base: { service: 'roomcast' }, redact: { paths: REDACTED_PATHS, censor: CENSOR } }, destination);

/**
 * The same logger, with the net over top-level fields only, for lines written on every request and
 * built from flat, named fields (ids, names, status, timings). @pinojs/redact's wildcard paths cost
 * ~10 µs a line, four times the rest of the line, and such a line has no nested object to look into.
 */
export const flatLineLogger = (logger: Logger): Logger =>
  logger.child({}, { redact: { paths: REDACTED_PATHS.filter((path) => !path.includes('*')), censor: CENSOR } });

type FlatLevel = 'info' | 'debug';

/**
 * Writes lines whose fields the caller serialized itself (`,"key":value` each), exactly as pino writes
 * them through `logger` (created by createLogger: default time and level format, no mixin or hooks):
 * the level, the time, the logger's bindings, the fields, the message. For the one line per request,
 * where pino's generic serializer (a loop over the keys, each key and string escaped, the line built
 * piece by piece) allocated ~1.4 KiB a line, as much again as the line. The fields are names and ids
 * the caller chose, so no redacted path can be among them. test/unit/flat-line.test.ts holds such a
 * line equal to pino's.
 */
export const flatLineWriter = (logger: Logger) => {
  const bindings = (logger as unknown as Record<symbol, string>)[pino.symbols.chindingsSym] ?? '';
  const stream = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym];
  if (!stream) throw new Error('flatLineWriter: not a pino logger');
  const levels = { info: logger.levels.values['info'], debug: logger.levels.values['debug'] };
  return {
    /** Whether a line at `level` is written: checked before its fields are built. */
    enabled: (level: FlatLevel): boolean => logger.isLevelEnabled(level),
    write: (level: FlatLevel, fields: string, msg: string): void => {
      stream.write(`{"level":${levels[level]},"time":${Date.now()}${bindings}${fields},"msg":${JSON.stringify(msg)}}\n`);
    },
  };
};

export type FlatLineWriter = ReturnType<typeof flatLineWriter>;
