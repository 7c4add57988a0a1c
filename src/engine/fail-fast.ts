import type { RoomcastError } from '../errors/index.js';

/**
 * Wraps every method of a record family so that an engine that cannot serve now fails fast with
 * ENGINE_UNAVAILABLE instead of hanging. Each engine says which of its errors mean "cannot serve now"
 * (`unavailable` answers the error to throw instead, or undefined to let the error through: a bug, a
 * constraint the family did not expect, masked as INTERNAL_SERVER_ERROR).
 */
export const failFastWith =
  (unavailable: (error: unknown) => RoomcastError | undefined) =>
  <T extends object>(family: T): T => {
    const wrapped: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(family)) {
      wrapped[name] =
        typeof value === 'function'
          ? async (...args: unknown[]) => {
              try {
                return await (value as (...a: unknown[]) => Promise<unknown>).apply(family, args); // every method of a family is async
              } catch (error) {
                throw unavailable(error) ?? error;
              }
            }
          : value;
    }
    return wrapped as T; // same keys, each function wrapped with the same signature
  };
