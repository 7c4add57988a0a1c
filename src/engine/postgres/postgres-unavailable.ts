import { ErrorCode, RoomcastError } from '../../errors/index.js';
import { failFastWith } from '../fail-fast.js';

// SQLSTATEs that mean "the database cannot serve this now", not "this request is wrong":
// connection exceptions (class 08), insufficient resources (53), operator intervention (57: admin or
// crash shutdown, cannot connect now, and 57014 query_canceled, which is how statement_timeout ends a
// statement), system errors (58) and a read-only transaction (25006: connected to a standby after a failover).
const unavailableClasses = new Set(['08', '53', '57', '58']);
const unavailableStates = new Set(['25006']);

// Errors node-postgres raises itself (no SQLSTATE) when the connection is lost, refused or too slow.
const unavailableMessages = [
  'Connection terminated',
  'timeout expired',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'is not queryable',
];

// Socket errors from node.
const unavailableErrnos = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH',
  'ENETUNREACH', 'ENETDOWN', 'ECONNABORTED',
]);

const codeOf = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
};

export const isUnavailable = (error: unknown): boolean => {
  if (error instanceof RoomcastError) return false;
  if (error instanceof AggregateError) return error.errors.some(isUnavailable); // a refused dual-stack connect
  const code = codeOf(error);
  if (code !== undefined) {
    if (unavailableErrnos.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return unavailableClasses.has(code.slice(0, 2)) || unavailableStates.has(code);
  }
  if (!(error instanceof Error)) return false;
  if (unavailableMessages.some((message) => error.message.includes(message))) return true;
  return error.cause !== undefined && isUnavailable(error.cause);
};

export const engineUnavailable = (): RoomcastError =>
  new RoomcastError(ErrorCode.EngineUnavailable, 'The database is unavailable; try again shortly');

/**
 * Wraps every method of a record family so that an unreachable or too slow database becomes
 * ENGINE_UNAVAILABLE (writes fail fast with a code instead of hanging).
 */
export const failFast = failFastWith((error) => (isUnavailable(error) ? engineUnavailable() : undefined));
