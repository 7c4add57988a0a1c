import type { Engine } from '../engine/types.js';
import type { Clock } from '../lib/clock.js';
import type { RoomService } from './rooms.js';
import type { MessageCursors } from './cursors.js';
import type { PresenceHolder, PresenceService } from './presence/presence-service.js';
import type { KeyGrant } from './viewer.js';
import { openRoomStream, type PublicEventKind, type PublicRoomEvent, type RoomStream } from './room-stream.js';

export interface RoomStreamArgs {
  after?: string | null | undefined;
  kinds: ReadonlySet<PublicEventKind>;
  accepts?: (event: PublicRoomEvent) => boolean;
  snapshot?: () => Promise<PublicRoomEvent[]>;
  resnapshot?: () => Promise<PublicRoomEvent[]>;
}

/**
 * A subscriber. With a `grant` (an API key) it sees exactly the granted rooms, is never counted online,
 * and its stream ends when a `membership` event removes its id from the room (how revocation reaches
 * every instance's streams, in order with the room's messages).
 */
export type StreamViewer = PresenceHolder & { readonly grant?: KeyGrant | undefined };

export interface RoomEventService {
  /**
   * Opens a subscriber's stream of a room it may see (`NOT_FOUND` otherwise), replaying messages after
   * the `after` cursor first when one is given. While the stream is open its connection holds the
   * viewer's presence in the room.
   */
  open(viewer: StreamViewer, roomId: string, args: RoomStreamArgs): Promise<RoomStream>;
}

export interface RoomEventServiceDeps {
  engine: Pick<Engine, 'bus' | 'messages'>;
  rooms: RoomService;
  cursors: MessageCursors;
  presence: PresenceService;
  clock: Clock;
  limits: { maxSubscriptionBuffer: number; engineOutageMaxMs: number };
}

export const createRoomEventService = ({ engine, rooms, cursors, presence, clock, limits }: RoomEventServiceDeps): RoomEventService => ({
  async open(viewer, roomId, { after, kinds, accepts, snapshot, resnapshot }) {
    const { grant } = viewer;
    const room = await rooms.require(grant ?? viewer.userId, roomId);
    const afterSeq = after == null ? undefined : cursors.decode(after, roomId, 'after', await engine.messages.bounds(roomId));
    // Listen first, then count the viewer in: their own arrival is then an event of this stream.
    let release: (() => void) | undefined;
    let closed = false;
    const stream = await openRoomStream({
      engine,
      roomId,
      viewerId: viewer.userId,
      roomIsPrivate: room.private || grant !== undefined,
      afterSeq,
      kinds,
      maxBuffered: limits.maxSubscriptionBuffer,
      outage: { clock, maxMs: limits.engineOutageMaxMs },
      onClose: () => {
        closed = true;
        release?.();
      },
      ...(accepts ? { accepts } : {}),
      ...(snapshot ? { snapshot } : {}),
      ...(resnapshot ? { resnapshot } : {}),
    });
    if (grant) return stream;
    try {
      const hold = await presence.hold(roomId, viewer);
      if (closed) hold();
      else release = hold;
    } catch (error) {
      await stream.return?.();
      throw error;
    }
    return stream;
  },
});
