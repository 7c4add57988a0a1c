import { ErrorCode, RoomcastError, badInput } from '../errors/index.js';
import { decodeCursor, encodeCursor } from '../lib/opaque-cursor.js';
import type { LogBounds } from '../engine/types.js';

/**
 * Message cursors name their room, so that a cursor pasted into another room is refused, not misread,
 * and the store's epoch, so that a store that lost its history (or the memory store of an earlier
 * process) never gives an old cursor a new meaning.
 */
export interface MessageCursors {
  encode(roomId: string, seq: number): string;
  /**
   * The seq a client's cursor points at, checked against the room's history: another room's cursor, or
   * one ahead of the newest message, is `BAD_USER_INPUT`; one before the oldest kept message, or from
   * another epoch, is `CURSOR_EXPIRED` with the cursor to resume from instead.
   */
  decode(cursor: string, roomId: string, argument: string, bounds: LogBounds): number;
}

export const createMessageCursors = (epoch: string): MessageCursors => {
  const encode = (roomId: string, seq: number) => encodeCursor(['m', roomId, seq, epoch]);
  const expired = (roomId: string, bounds: LogBounds, argument: string, why: string) =>
    new RoomcastError(ErrorCode.CursorExpired, `\`${argument}\` ${why}; resume from \`oldestCursor\``, {
      argument,
      oldestCursor: encode(roomId, bounds.prunedThrough),
    });
  return {
    encode,
    decode(cursor, roomId, argument, bounds) {
      const [kind, cursorRoomId, seq, cursorEpoch, ...rest] = decodeCursor(cursor) ?? [];
      const wellFormed =
        kind === 'm' &&
        typeof seq === 'number' &&
        Number.isSafeInteger(seq) &&
        seq >= 0 &&
        // Cursors issued before epochs existed have none; they are still checked against the head.
        (cursorEpoch === undefined || typeof cursorEpoch === 'string') &&
        rest.length === 0;
      if (!wellFormed) throw badInput(`\`${argument}\` is not a message cursor`, { argument });
      if (cursorRoomId !== roomId) throw badInput(`\`${argument}\` is a cursor of another room`, { argument });
      if (cursorEpoch !== undefined && cursorEpoch !== epoch) throw expired(roomId, bounds, argument, 'is from a history this server no longer has');
      if (seq > bounds.head) throw badInput(`\`${argument}\` is ahead of the room's newest message`, { argument });
      if (seq < bounds.prunedThrough) throw expired(roomId, bounds, argument, 'points before the oldest message kept');
      return seq;
    },
  };
};

export const roomCursor = (ordinal: number): string => encodeCursor(['r', ordinal]);

export const parseRoomCursor = (cursor: string): number => {
  const [kind, ordinal] = decodeCursor(cursor) ?? [];
  if (kind !== 'r' || typeof ordinal !== 'number' || !Number.isSafeInteger(ordinal) || ordinal < 0) {
    throw badInput('`after` is not a room cursor', { argument: 'after' });
  }
  return ordinal;
};
