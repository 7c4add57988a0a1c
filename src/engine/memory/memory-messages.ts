import type { MessageLog, MessageRecord, RoomBus } from '../types.js';
import { messageIdOf } from '../message-id.js';

interface RoomLog {
  readonly messages: MessageRecord[];
  /** `${authorId}\n${clientId}` -> index in `messages`. */
  readonly byClientId: Map<string, number>;
}

export const createMemoryMessageLog = (bus: RoomBus): MessageLog => {
  const logs = new Map<string, RoomLog>();
  const logOf = (roomId: string): RoomLog => {
    let log = logs.get(roomId);
    if (!log) {
      log = { messages: [], byClientId: new Map() };
      logs.set(roomId, log);
    }
    return log;
  };
  return {
    async append(input) {
      const log = logOf(input.roomId);
      // Everything up to the publish below runs without an await, so it is atomic in this process.
      const idempotencyKey = input.clientId === null ? undefined : `${input.authorId}\n${input.clientId}`;
      if (idempotencyKey !== undefined) {
        const index = log.byClientId.get(idempotencyKey);
        const existing = index === undefined ? undefined : log.messages[index];
        if (existing) return { message: existing, created: false };
      }
      const seq = log.messages.length + 1;
      const message: MessageRecord = Object.freeze({ ...input, seq, id: messageIdOf(input.roomId, seq) });
      log.messages.push(message);
      if (idempotencyKey !== undefined) log.byClientId.set(idempotencyKey, seq - 1);
      void bus.publish(input.roomId, { kind: 'message', message });
      return { message, created: true };
    },
    async head(roomId) {
      return logs.get(roomId)?.messages.length ?? 0;
    },
    async range(roomId, fromSeq, toSeq) {
      const messages = logs.get(roomId)?.messages ?? [];
      return messages.slice(Math.max(0, fromSeq - 1), Math.max(0, toSeq));
    },
  };
};
