import type { Redis } from 'ioredis';
import type { ReceiptStore } from '../types.js';
import type { Keys } from './keys.js';
import { ADVANCE_RECEIPT } from './lua/receipts.js';
import { parseReceipt } from './records.js';
import { defineScript } from './scripts.js';

export const createRedisReceiptStore = (redis: Redis, keys: Keys): ReceiptStore => {
  const advance = defineScript(redis, 'roomcastAdvanceReceipt', ADVANCE_RECEIPT, 1);
  return {
    async advance(receipt) {
      const room = keys.room(receipt.roomId);
      const result = await advance([room.receipts], [receipt.userId, receipt.seq, JSON.stringify(receipt), room.channel]);
      const [moved, raw] = Array.isArray(result) ? result : [];
      if (typeof raw !== 'string') throw new Error('advance returned no receipt');
      return { receipt: parseReceipt(raw), moved: moved === 1 };
    },
    async get(roomId, userId) {
      const raw = await redis.hget(keys.room(roomId).receipts, userId);
      return raw === null ? undefined : parseReceipt(raw);
    },
  };
};
