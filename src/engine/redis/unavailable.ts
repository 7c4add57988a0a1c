import { ReplyError } from 'ioredis';
import { ErrorCode, RoomcastError } from '../../errors/index.js';

/**
 * Wraps every method of a store so that a lost or refused connection becomes ENGINE_UNAVAILABLE (writes
 * fail fast with a code instead of hanging). Errors Redis itself answered (a script bug) stay as they are
 * and are masked as INTERNAL_SERVER_ERROR.
 */
export const failFast = <T extends object>(store: T): T => {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(store)) {
    wrapped[name] =
      typeof value === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (value as (...a: unknown[]) => Promise<unknown>).apply(store, args);
            } catch (error) {
              if (error instanceof RoomcastError || error instanceof ReplyError) throw error;
              throw new RoomcastError(ErrorCode.EngineUnavailable, 'The shared store is unavailable; try again shortly');
            }
          }
        : value;
  }
  return wrapped as T; // same keys, each function wrapped with the same signature
};
