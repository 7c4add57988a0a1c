import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { Clock } from '../lib/clock.js';
import { randomId } from '../lib/random-id.js';
import { forbidden, notFound } from '../errors/index.js';
import type { Engine, RoomRecord } from '../engine/types.js';
import { checkPageSize } from './page-window.js';
import { parseRoomCursor, roomCursor } from './cursors.js';
import { zodToBadInput } from './zod-to-bad-input.js';
import type { WriteLimits } from './write-limits.js';
import type { Viewer } from './viewer.js';

export const ROOM_NAME_MAX = 100;
export const MEMBER_IDS_MAX = 100;
export const USER_ID_MAX = 128;
/** `Room.members` lists at most this many (join order, owner first). */
export const MEMBERS_LISTED_MAX = 1_000;

const CreateRoomInput = z.object({
  name: z.string().trim().min(1).max(ROOM_NAME_MAX),
  private: z.boolean().nullish(),
  memberIds: z.array(z.string().min(1).max(USER_ID_MAX)).max(MEMBER_IDS_MAX).nullish(),
});

/** Public room ids each instance remembers as visible to all (see requireVisible). */
const PUBLIC_ROOMS_REMEMBERED = 10_000;

export interface RoomPage {
  edges: { cursor: string; node: RoomRecord }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export interface RoomService {
  create(viewerId: string, input: z.input<typeof CreateRoomInput>): Promise<RoomRecord>;
  join(viewerId: string, roomId: string): Promise<RoomRecord>;
  leave(viewerId: string, roomId: string): Promise<RoomRecord>;
  /** The room if the viewer may see it, else undefined (private rooms do not exist for outsiders). */
  find(viewer: Viewer, roomId: string): Promise<RoomRecord | undefined>;
  /** The room if the viewer may see it, else `NOT_FOUND`. */
  require(viewer: Viewer, roomId: string): Promise<RoomRecord>;
  /** `NOT_FOUND` unless the viewer may see the room; for callers that need no more than that. */
  requireVisible(viewer: Viewer, roomId: string): Promise<void>;
  /** The room if the viewer may see it and is a member, else `NOT_FOUND` (outsiders of a private room) or `FORBIDDEN`. */
  requireMember(viewerId: string, roomId: string, why: string): Promise<RoomRecord>;
  /** Member ids in join order, the owner first (at most MEMBERS_LISTED_MAX). */
  members(roomId: string): Promise<string[]>;
  list(viewerId: string, args: { first?: number | null; after?: string | null }): Promise<RoomPage>;
  /** `rooms` for an API key: the granted rooms that exist, by ascending ordinal, paged like `list`. */
  listGranted(roomIds: ReadonlySet<string>, args: { first?: number | null; after?: string | null }): Promise<RoomPage>;
}

export interface RoomServiceDeps {
  engine: Pick<Engine, 'rooms' | 'bus'>;
  clock: Clock;
  limits: { maxPageSize: number; defaultPageSize: number };
  writes: WriteLimits;
}

export const createRoomService = ({ engine, clock, limits, writes }: RoomServiceDeps): RoomService => {
  // The one visibility rule: a public room is anyone's; a private room exists only for its members.
  // An API key sees exactly the rooms it names: the admin who named them granted them, private or not.
  const find = async (viewer: Viewer, roomId: string) => {
    if (typeof viewer !== 'string' && !viewer.roomIds.has(roomId)) return undefined;
    const room = await engine.rooms.get(roomId);
    if (!room) return undefined;
    if (typeof viewer !== 'string') return room;
    const viewerId = viewer;
    return !room.private || room.ownerId === viewerId || (await engine.rooms.isMember(roomId, viewerId)) ? room : undefined;
  };
  const require = async (viewer: Viewer, roomId: string) => {
    const room = await find(viewer, roomId);
    if (!room) throw notFound('Room');
    return room;
  };
  // Rooms are never deleted and never change privacy, so a public room once read stays visible to
  // everyone: remembering it spares every later write to it a read of the room (a store round trip).
  // Only visibility is remembered: a write still fails in the store if the room is not there, and
  // membership (private rooms) is never cached, so a leave takes effect on every instance at once.
  const knownPublic = new LRUCache<string, true>({ max: PUBLIC_ROOMS_REMEMBERED });
  const requireVisible = async (viewer: Viewer, roomId: string) => {
    // A key's grant first: a public room it does not name is not its to read.
    if (knownPublic.has(roomId) && (typeof viewer === 'string' || viewer.roomIds.has(roomId))) return;
    const room = await require(viewer, roomId);
    if (!room.private) knownPublic.set(roomId, true);
  };
  return {
    find,
    require,
    requireVisible,
    async requireMember(viewerId, roomId, why) {
      const room = await require(viewerId, roomId);
      if (room.ownerId !== viewerId && !(await engine.rooms.isMember(roomId, viewerId))) throw forbidden(why);
      return room;
    },
    members: (roomId) => engine.rooms.members(roomId, MEMBERS_LISTED_MAX),
    async create(viewerId, rawInput) {
      await writes.spend('rooms', viewerId);
      const input = zodToBadInput(CreateRoomInput, rawInput);
      return engine.rooms.create({
        id: randomId('room'),
        name: input.name,
        private: input.private ?? false,
        ownerId: viewerId,
        memberIds: input.memberIds ?? [],
        createdAt: clock.now(),
      });
    },
    async join(viewerId, roomId) {
      await writes.spend('rooms', viewerId);
      await require(viewerId, roomId);
      const room = await engine.rooms.addMember(roomId, viewerId);
      if (!room) throw notFound('Room');
      return room;
    },
    async leave(viewerId, roomId) {
      await writes.spend('rooms', viewerId);
      const room = await require(viewerId, roomId);
      if (room.ownerId === viewerId) throw forbidden('The owner cannot leave their room');
      if (!(await engine.rooms.isMember(roomId, viewerId))) return room;
      const updated = await engine.rooms.removeMember(roomId, viewerId);
      if (!updated) throw notFound('Room');
      // Streams of this user on a private room must end now: the room no longer exists for them.
      await engine.bus.publish(roomId, { kind: 'membership', roomId, userId: viewerId, member: false });
      return updated;
    },
    async listGranted(roomIds, args) {
      checkPageSize('first', args.first, limits.maxPageSize);
      const limit = args.first ?? limits.defaultPageSize;
      const afterOrdinal = args.after == null ? 0 : parseRoomCursor(args.after);
      // A grant is short (API_KEY_ROOMS_MAX), so reading each of its rooms is bounded.
      const granted = (await Promise.all([...roomIds].map((id) => engine.rooms.get(id))))
        .filter((room): room is RoomRecord => room !== undefined && room.ordinal > afterOrdinal)
        .sort((a, b) => a.ordinal - b.ordinal);
      const edges = granted.slice(0, limit).map((node) => ({ cursor: roomCursor(node.ordinal), node }));
      return {
        edges,
        pageInfo: {
          hasNextPage: granted.length > limit,
          hasPreviousPage: afterOrdinal > 0,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
    async list(viewerId, args) {
      checkPageSize('first', args.first, limits.maxPageSize);
      const limit = args.first ?? limits.defaultPageSize;
      const afterOrdinal = args.after == null ? 0 : parseRoomCursor(args.after);
      const { rooms, hasMore } = await engine.rooms.listVisible({ viewerId, afterOrdinal, limit });
      const edges = rooms.map((node) => ({ cursor: roomCursor(node.ordinal), node }));
      return {
        edges,
        pageInfo: {
          hasNextPage: hasMore,
          hasPreviousPage: afterOrdinal > 0,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
  };
};

