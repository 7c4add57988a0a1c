import type { ReceiptRecord, ReceiptStore } from '../types.js';

export const createMemoryReceiptStore = (): ReceiptStore => {
  // room id -> user id -> receipt: nested, so no user id can collide with another pair.
  const receipts = new Map<string, Map<string, ReceiptRecord>>();
  return {
    async advance(receipt) {
      const ofRoom = receipts.get(receipt.roomId) ?? new Map<string, ReceiptRecord>();
      receipts.set(receipt.roomId, ofRoom);
      const current = ofRoom.get(receipt.userId);
      if (current && current.seq >= receipt.seq) return { receipt: current, moved: false };
      const stored = Object.freeze({ ...receipt });
      ofRoom.set(receipt.userId, stored);
      return { receipt: stored, moved: true };
    },
    async get(roomId, userId) {
      return receipts.get(roomId)?.get(userId);
    },
  };
};
