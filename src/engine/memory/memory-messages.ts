import { notFound } from '../../errors/index.js';
import type { MessageRecord, MessageStore } from '../types.js';
import { messageIdOf } from '../message-id.js';

interface RoomLog {
  /** Kept messages: `messages[i]` has seq `prunedThrough + 1 + i`. */
  messages: MessageRecord[];
  prunedThrough: number;
  head: number;
  /** Idempotency keys: author id -> client id -> seq. Nested maps, so no separator can make two keys one. */
  readonly byClientId: Map<string, Map<string, number>>;
}

/**
 * The memory message store: per room an array by seq. Knows rooms only through `roomExists`; `onCreated`
 * runs inside the append's atomic step (the webhook outbox) and answers how many deliveries it queued.
 */
export const createMemoryMessageStore = (roomExists: (roomId: string) => boolean, onCreated: (message: MessageRecord) => number = () => 0): MessageStore => {
  const logs = new Map<string, RoomLog>();
  const logOf = (roomId: string): RoomLog => {
    let log = logs.get(roomId);
    if (!log) {
      log = { messages: [], prunedThrough: 0, head: 0, byClientId: new Map() };
      logs.set(roomId, log);
    }
    return log;
  };
  const at = (log: RoomLog, seq: number) => log.messages[seq - log.prunedThrough - 1];
  return {
    async append(input) {
      if (!roomExists(input.roomId)) throw notFound('Room');
      const log = logOf(input.roomId);
      // No await from here on: atomic within this process.
      const byAuthor = input.clientId === null ? undefined : log.byClientId.get(input.authorId);
      const earlierSeq = input.clientId === null ? undefined : byAuthor?.get(input.clientId);
      const earlier = earlierSeq === undefined ? undefined : at(log, earlierSeq);
      if (earlier) return { message: earlier, created: false, webhookDeliveries: 0 };
      const seq = log.head + 1;
      const message: MessageRecord = Object.freeze({ ...input, seq, id: messageIdOf(input.roomId, seq) });
      log.messages.push(message);
      log.head = seq;
      if (input.clientId !== null) {
        const clientIds = byAuthor ?? new Map<string, number>();
        clientIds.set(input.clientId, seq);
        log.byClientId.set(input.authorId, clientIds);
      }
      const webhookDeliveries = onCreated(message);
      return { message, created: true, webhookDeliveries };
    },
    async head(roomId) {
      return logs.get(roomId)?.head ?? 0;
    },
    async bounds(roomId) {
      const log = logs.get(roomId);
      return { head: log?.head ?? 0, prunedThrough: log?.prunedThrough ?? 0 };
    },
    async range(roomId, fromSeq, toSeq) {
      const log = logs.get(roomId);
      if (!log) return [];
      const offset = log.prunedThrough + 1;
      return log.messages.slice(Math.max(0, fromSeq - offset), Math.max(0, toSeq - offset + 1));
    },
    async seqAt(roomId, atMs) {
      const log = logs.get(roomId);
      if (!log) return 1;
      // The earliest-created message at or after atMs, as the PostgreSQL store's index finds it; a scan,
      // because times need not rise with seq (a clock stepped back).
      let found: MessageRecord | undefined;
      for (const message of log.messages) {
        if (message.createdAt >= atMs && (!found || message.createdAt < found.createdAt)) found = message;
      }
      return found?.seq ?? log.head + 1;
    },
    async deleteOlderThan(beforeMs, limit) {
      let deleted = 0;
      for (const log of logs.values()) {
        let count = 0;
        while (deleted < limit && count < log.messages.length && (log.messages[count]?.createdAt ?? Infinity) < beforeMs) {
          count++;
          deleted++;
        }
        if (count === 0) continue;
        for (const message of log.messages.slice(0, count)) {
          if (message.clientId !== null) log.byClientId.get(message.authorId)?.delete(message.clientId);
        }
        log.messages.splice(0, count);
        log.prunedThrough += count;
        if (deleted >= limit) break;
      }
      return deleted;
    },
  };
};
