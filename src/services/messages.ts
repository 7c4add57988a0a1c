import { z } from 'zod';
import type { Clock } from '../lib/clock.js';
import type { Engine, MessageRecord } from '../engine/types.js';
import type { RoomService } from './rooms.js';
import type { MessageCursors } from './cursors.js';
import { pageWindow } from './page-window.js';
import { zodToBadInput } from './zod-to-bad-input.js';
import type { WriteLimits } from './write-limits.js';
import type { Actor } from './actor.js';
import type { Viewer } from './viewer.js';

export const BODY_MAX = 4_000;
export const CLIENT_ID_MAX = 128;

const SendMessageInput = z.object({
  roomId: z.string(),
  // Stored trimmed: the limit is on what is shown, and a padded body cannot smuggle in more bytes.
  body: z.string().trim().min(1, 'body must not be empty').max(BODY_MAX, `body is longer than ${BODY_MAX} characters`),
  clientId: z.string().min(1).max(CLIENT_ID_MAX).nullish(),
});

export interface HistoryArgs {
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}

export interface MessagePage {
  edges: { cursor: string; node: MessageRecord }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /**
   * The same request can never get another answer (HTTP caching may say so): the page is not empty, ends
   * below the room's newest message, and does not start at the retention boundary (where deletions
   * would move it). Not a GraphQL field.
   */
  final: boolean;
}

export interface MessageService {
  send(author: Actor, input: z.input<typeof SendMessageInput>): Promise<MessageRecord>;
  history(viewer: Viewer, roomId: string, args: HistoryArgs): Promise<MessagePage>;
  /** A cursor just before the room's first message at or after `atMs`; at the head when there is none. */
  cursorAt(viewer: Viewer, roomId: string, atMs: number): Promise<string>;
  /** A cursor at the room's newest message (seq 0 when there is none); the caller has checked access. */
  headCursor(roomId: string): Promise<string>;
  /** The cursor of a message: `after` it, a client misses nothing newer. */
  cursorOf(message: Pick<MessageRecord, 'roomId' | 'seq'>): string;
}

export interface MessageServiceDeps {
  engine: Pick<Engine, 'messages' | 'bus'>;
  rooms: RoomService;
  cursors: MessageCursors;
  clock: Clock;
  limits: { maxPageSize: number; defaultPageSize: number; historyRetentionMs?: number | undefined };
  writes: WriteLimits;
  /** After a new message is stored with webhook deliveries (queued in the same step): wakes the delivery worker. */
  onWebhookDeliveries?: (message: MessageRecord) => void;
}

export const createMessageService = ({ engine, rooms, cursors, clock, limits, writes, onWebhookDeliveries }: MessageServiceDeps): MessageService => ({
  async send(author, rawInput) {
    // Spent before anything else, so a refused write stores and publishes nothing.
    await writes.spend('messages', author.userId);
    const input = zodToBadInput(SendMessageInput, rawInput);
    await rooms.requireVisible(author.userId, input.roomId);
    const { message, webhookDeliveries } = await engine.messages.append({
      roomId: input.roomId,
      authorId: author.userId,
      authorName: author.name,
      body: input.body,
      clientId: input.clientId ?? null,
      createdAt: clock.now(),
    });
    // Published after the commit, so a subscriber can always read back what it was told about. A retry
    // with the same clientId publishes again: if the first publish was lost (the process died, the bus
    // was down), the retry repairs it, and subscribers drop the repeat by its seq.
    // Only then: a claim is a database round trip, and most rooms have no webhooks.
    if (webhookDeliveries > 0) onWebhookDeliveries?.(message);
    await engine.bus.publish(message.roomId, { kind: 'message', message });
    return message;
  },
  headCursor: async (roomId) => cursors.encode(roomId, await engine.messages.head(roomId)),
  cursorOf: (message) => cursors.encode(message.roomId, message.seq),
  async cursorAt(viewer, roomId, atMs) {
    await rooms.requireVisible(viewer, roomId);
    const [seq, bounds] = await Promise.all([engine.messages.seqAt(roomId, atMs), engine.messages.bounds(roomId)]);
    // Never before the oldest kept message: such a cursor would be CURSOR_EXPIRED as `after`.
    return cursors.encode(roomId, Math.min(Math.max(seq - 1, bounds.prunedThrough), bounds.head));
  },
  async history(viewer, roomId, args) {
    await rooms.requireVisible(viewer, roomId);
    const bounds = await engine.messages.bounds(roomId);
    const afterSeq = args.after == null ? undefined : cursors.decode(args.after, roomId, 'after', bounds);
    const beforeSeq = args.before == null ? undefined : cursors.decode(args.before, roomId, 'before', bounds);
    const window = pageWindow(bounds, { first: args.first, last: args.last, afterSeq, beforeSeq }, {
      max: limits.maxPageSize,
      defaultSize: limits.defaultPageSize,
    });
    const messages = window.fromSeq <= window.toSeq ? await engine.messages.range(roomId, window.fromSeq, window.toSeq) : [];
    const edges = messages.map((node) => ({ cursor: cursors.encode(roomId, node.seq), node }));
    return {
      edges,
      pageInfo: {
        hasPreviousPage: window.hasPreviousPage,
        hasNextPage: window.hasNextPage,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? null,
      },
      // Without retention nothing kept is ever deleted. With it, a page that starts at the oldest kept
      // message loses messages as retention moves on; a page further in keeps them until its cursors expire.
      final:
        edges.length > 0 &&
        window.toSeq < bounds.head &&
        (limits.historyRetentionMs === undefined || window.fromSeq > bounds.prunedThrough + 1),
    };
  },
});
