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

/** JSON lines on stdout, one object per event, with credentials and message bodies censored. */
export const createLogger = (level: string): Logger =>
  pino({ level, base: { service: 'roomcast' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
