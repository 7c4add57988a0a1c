import type { Redis } from 'ioredis';
import type { MessageLog, MessageRecord } from '../types.js';
import type { Keys } from './keys.js';
import { APPEND_MESSAGE } from './lua/messages.js';
import { parseMessage } from './records.js';
import { defineScript } from './scripts.js';

export const createRedisMessageLog = (redis: Redis, keys: Keys): MessageLog => {
  const append = defineScript(redis, 'roomcastAppendMessage', APPEND_MESSAGE, 3);
  return {
    async append(input) {
      const room = keys.room(input.roomId);
      const idempotencyKey = input.clientId === null ? '' : `${input.authorId}\n${input.clientId}`;
      const result = await append([room.seq, room.log, room.idem], [room.channel, idempotencyKey, JSON.stringify(input), input.roomId]);
      const [created, raw] = Array.isArray(result) ? result : [];
      if (typeof raw !== 'string') throw new Error('append returned no message');
      return { message: parseMessage(raw), created: created === 1 };
    },
    async head(roomId) {
      return Number((await redis.get(keys.room(roomId).seq)) ?? 0);
    },
    async range(roomId, fromSeq, toSeq) {
      if (toSeq < fromSeq || toSeq < 1) return [];
      const entries = await redis.xrange(keys.room(roomId).log, `${Math.max(1, fromSeq)}-1`, `${toSeq}-1`);
      return entries.map(([, fields]): MessageRecord => parseMessage(fields[1] ?? ''));
    },
  };
};
