import type { ReceiptRecord, ReceiptStore, RoomBus } from '../types.js';

export const createMemoryReceiptStore = (bus: RoomBus): ReceiptStore => {
  const receipts = new Map<string, ReceiptRecord>();
  const keyOf = (roomId: string, userId: string) => `${roomId}\n${userId}`;
  return {
    async advance(receipt) {
      const key = keyOf(receipt.roomId, receipt.userId);
      const current = receipts.get(key);
      if (current && current.seq >= receipt.seq) return { receipt: current, moved: false };
      const stored = Object.freeze({ ...receipt });
      receipts.set(key, stored);
      void bus.publish(receipt.roomId, { kind: 'receipt', receipt: stored });
      return { receipt: stored, moved: true };
    },
    async get(roomId, userId) {
      return receipts.get(keyOf(roomId, userId));
    },
  };
};
