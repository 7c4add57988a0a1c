import type { RoomRecord } from './types.js';

/** The one visibility rule: a public room is anyone's; a private room exists only for its members. */
export const isVisibleTo = (room: RoomRecord, viewerId: string): boolean => !room.private || room.memberIds.includes(viewerId);
