// Redis holds JSON written by this code, but a shared store is still input: parse it, never cast it.
import { z } from 'zod';
import type { MessageRecord, ReceiptRecord, RoomEventRecord, RoomRecord, TimerRecord } from '../types.js';

const Room = z.object({
  id: z.string(),
  name: z.string(),
  private: z.boolean(),
  ownerId: z.string(),
  // Lua's cjson encodes an empty array as {}: read that back as no members.
  memberIds: z.union([z.array(z.string()), z.object({}).transform(() => [] as string[])]),
  createdAt: z.number(),
  ordinal: z.number(),
});

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

const parse = <T>(schema: z.ZodType<T>, raw: string): T => schema.parse(JSON.parse(raw));

export const parseRoom = (raw: string): RoomRecord => parse(Room, raw);
export const parseMessage = (raw: string): MessageRecord => parse(Message, raw);
export const parseTimer = (raw: string): TimerRecord => parse(Timer, raw);
export const parseReceipt = (raw: string): ReceiptRecord => parse(Receipt, raw);
export const parseEvent = (raw: string): RoomEventRecord => parse(Event, raw);
