// Events on a room channel are JSON written by this code, but a shared channel is still input: parse it, never cast it.
import { z } from 'zod';
import type { RoomEventRecord } from '../types.js';

const Message = z.object({
  id: z.string(),
  roomId: z.string(),
  seq: z.number(),
  authorId: z.string(),
  authorName: z.string(),
  body: z.string(),
  clientId: z.string().nullable(),
  createdAt: z.number(),
});

const Timer = z.object({
  id: z.string(),
  roomId: z.string(),
  label: z.string().nullable(),
  durationMs: z.number(),
  tickMs: z.number(),
  status: z.enum(['RUNNING', 'PAUSED', 'STOPPED', 'FINISHED']),
  startedBy: z.string(),
  startedByName: z.string(),
  startedAt: z.number(),
  endsAt: z.number().nullable(),
  pausedRemainingMs: z.number(),
  nextDueAt: z.number().nullable(),
  version: z.number(),
  endedAt: z.number().nullable(),
});

const Receipt = z.object({
  roomId: z.string(),
  userId: z.string(),
  userName: z.string(),
  seq: z.number(),
  messageId: z.string(),
  readAt: z.number(),
});

const Event = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('message'), message: Message }),
  z.object({ kind: z.enum(['timer', 'timer-tick']), timer: Timer, remainingMs: z.number(), at: z.number() }),
  z.object({ kind: z.literal('presence'), roomId: z.string(), userId: z.string(), userName: z.string(), online: z.boolean() }),
  z.object({ kind: z.literal('typing'), roomId: z.string(), userId: z.string(), userName: z.string(), typing: z.boolean() }),
  z.object({ kind: z.literal('receipt'), receipt: Receipt }),
  z.object({ kind: z.literal('membership'), roomId: z.string(), userId: z.string(), member: z.boolean() }),
  z.object({ kind: z.literal('resync'), roomId: z.string() }),
]);

/** An event another instance published on a room channel, checked rather than trusted. */
export const parseEvent = (raw: string): RoomEventRecord => Event.parse(JSON.parse(raw));
