import { badInput } from '../errors/index.js';
import { decodeCursor, encodeCursor } from '../lib/opaque-cursor.js';

// Message cursors name their room so that a cursor pasted into another room is refused, not misread.
export const messageCursor = (roomId: string, seq: number): string => encodeCursor(['m', roomId, seq]);

export const parseMessageCursor = (cursor: string, roomId: string, argument: string): number => {
  const parts = decodeCursor(cursor);
  const [kind, cursorRoomId, seq] = parts ?? [];
  if (kind !== 'm' || typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
    throw badInput(`\`${argument}\` is not a message cursor`, { argument });
  }
  if (cursorRoomId !== roomId) throw badInput(`\`${argument}\` is a cursor of another room`, { argument });
  return seq;
};

export const roomCursor = (ordinal: number): string => encodeCursor(['r', ordinal]);

export const parseRoomCursor = (cursor: string): number => {
  const [kind, ordinal] = decodeCursor(cursor) ?? [];
  if (kind !== 'r' || typeof ordinal !== 'number' || !Number.isSafeInteger(ordinal) || ordinal < 0) {
    throw badInput('`after` is not a room cursor', { argument: 'after' });
  }
  return ordinal;
};
