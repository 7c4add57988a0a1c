import { ReplyError } from 'ioredis';
import { ErrorCode, RoomcastError } from '../../errors/index.js';
import { failFastWith } from '../fail-fast.js';

/**
 * Wraps every method of a store so that a lost or refused connection becomes ENGINE_UNAVAILABLE (writes
 * fail fast with a code instead of hanging). Errors Redis itself answered (a script bug) stay as they are
 * and are masked as INTERNAL_SERVER_ERROR.
 */
export const failFast = failFastWith((error) =>
  error instanceof RoomcastError || error instanceof ReplyError
    ? undefined
    : new RoomcastError(ErrorCode.EngineUnavailable, 'The shared store is unavailable; try again shortly'),
);
