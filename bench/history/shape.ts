// The store the history benchmark reads: the same rooms and messages in PostgreSQL (seeded by SQL) and in
// the memory engine (seeded through its store interface), so that both answer the same queries.
//
// Rooms, in creation (listing) order: one big room; `busyRooms` rooms of `messagesPerBusyRoom` messages;
// then quiet rooms up to `totalRooms`, every other one private (owned by one of 1,000 other users). The
// viewer `few` belongs to `FEW_ROOMS` of those private rooms, spread over the listing; the viewer `none`
// belongs to nothing. Every message has a clientId (the client library always sends one) and a body of
// about 80 characters.
export interface HistoryShape {
  bigRoomMessages: number;
  busyRooms: number;
  messagesPerBusyRoom: number;
  totalRooms: number;
}

export const BIG_ROOM = 'room_big';
export const busyRoomId = (index: number): string => `room_busy-${index}`;
export const quietRoomId = (index: number): string => `room_quiet-${index}`;
export const quietRoomIsPrivate = (index: number): boolean => index % 2 === 1;
export const PUBLIC_OWNER = 'owner-public';
export const quietRoomOwner = (index: number): string => (quietRoomIsPrivate(index) ? `owner-${index % 1_000}` : PUBLIC_OWNER);
export const FEW_ROOMS = 5;
export const AUTHORS = 50;
/** Epoch ms of the first seeded message; the store's messages were written 1 ms apart (see createdAtOf). */
export const SEEDED_AT_MS = Date.UTC(2025, 0, 1);
export const BODY_FILLER = 'and a sentence of ordinary length to make it a typical chat line.';

export const quietRoomCount = (shape: HistoryShape): number => shape.totalRooms - 1 - shape.busyRooms;

/** The private quiet rooms `few` belongs to: odd indexes spread evenly over the quiet rooms. */
export const fewRoomIndexes = (shape: HistoryShape): number[] => {
  const quiet = quietRoomCount(shape);
  return Array.from({ length: FEW_ROOMS }, (_, k) => {
    const index = Math.floor(((k + 1) * quiet) / (FEW_ROOMS + 1));
    return quietRoomIsPrivate(index) ? index : index + 1;
  });
};

export const authorOf = (seq: number): { id: string; name: string } => ({ id: `author-${seq % AUTHORS}`, name: `Author ${seq % AUTHORS}` });
export const bodyOf = (seq: number): string => `message ${seq} ${BODY_FILLER}`;
export const clientIdOf = (seq: number): string => `c-${seq}`;

/**
 * When a message was written: the big room's first, one by one; then the busy rooms' interleaved (every
 * room's first message, then every room's second, ...), as live traffic writes them.
 */
export const createdAtOf = (shape: HistoryShape, roomIndex: number | 'big', seq: number): number =>
  SEEDED_AT_MS + (roomIndex === 'big' ? seq : shape.bigRoomMessages + (seq - 1) * shape.busyRooms + roomIndex);
