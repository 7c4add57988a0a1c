import type { Engine } from '../engine/types.js';
import type { RoomService } from './rooms.js';
import { parseMessageCursor } from './cursors.js';
import { openRoomStream, type PublicEventKind, type StreamItem } from './room-stream.js';

export interface RoomEventService {
  /**
   * Opens a subscriber's stream of a room it may see (`NOT_FOUND` otherwise), replaying messages after
   * the `after` cursor first when one is given.
   */
  open(
    viewerId: string,
    roomId: string,
    args: { after?: string | null | undefined; kinds: ReadonlySet<PublicEventKind> },
  ): Promise<AsyncIterableIterator<StreamItem>>;
}

export interface RoomEventServiceDeps {
  engine: Pick<Engine, 'bus' | 'messages'>;
  rooms: RoomService;
  limits: { maxSubscriptionBuffer: number };
}

export const createRoomEventService = ({ engine, rooms, limits }: RoomEventServiceDeps): RoomEventService => ({
  async open(viewerId, roomId, { after, kinds }) {
    const room = await rooms.require(viewerId, roomId);
    const afterSeq = after == null ? undefined : parseMessageCursor(after, roomId, 'after');
    return openRoomStream({
      engine,
      roomId,
      viewerId,
      roomIsPrivate: room.private,
      afterSeq,
      kinds,
      maxBuffered: limits.maxSubscriptionBuffer,
    });
  },
});
