import { pino, type Logger } from 'pino';

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
  'variables',
  '*.variables',
  'body',
  '*.body',
  'text',
  '*.text',
];

const CENSOR = '[redacted]';

/** JSON lines on stdout, one object per event, with credentials and message bodies censored. */
export const createLogger = (level: string): Logger =>
  pino({ level, base: { service: 'roomcast' }, redact: { paths: REDACTED_PATHS, censor: CENSOR } });

/**
 * The same logger, with the net over top-level fields only, for lines written on every request and
 * built from flat, named fields (ids, names, status, timings). @pinojs/redact's wildcard paths cost
 * ~10 µs a line, four times the rest of the line, and such a line has no nested object to look into.
 */
export const flatLineLogger = (logger: Logger): Logger =>
  logger.child({}, { redact: { paths: REDACTED_PATHS.filter((path) => !path.includes('*')), censor: CENSOR } });
