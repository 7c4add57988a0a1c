import type { ReceiptRecord, ReceiptStore } from '../types.js';
import type { Queryable } from './postgres-pool.js';

interface ReceiptRow {
  room_id: string;
  user_id: string;
  user_name: string;
  seq: string;
  message_id: string;
  read_at: string;
}

const receiptColumns = 'room_id, user_id, user_name, seq, message_id, read_at';

const toReceipt = (row: ReceiptRow): ReceiptRecord =>
  Object.freeze({
    roomId: row.room_id,
    userId: row.user_id,
    userName: row.user_name,
    seq: Number(row.seq),
    messageId: row.message_id,
    readAt: Number(row.read_at),
  });

export const createPostgresReceiptStore = (db: Queryable): ReceiptStore => {
  const get = async (roomId: string, userId: string): Promise<ReceiptRecord | undefined> => {
    const { rows } = await db.query<ReceiptRow>({
      name: 'roomcast-receipts-get',
      text: `SELECT ${receiptColumns} FROM receipts WHERE room_id = $1 AND user_id = $2`,
      values: [roomId, userId],
    });
    return rows[0] && toReceipt(rows[0]);
  };
  return {
    async advance(receipt) {
      // Forward only, decided by the row itself: the upsert changes nothing (and returns no row) unless
      // the new seq is further, so concurrent advances on several instances keep the furthest.
      const { rows } = await db.query<ReceiptRow>({
        name: 'roomcast-receipts-advance',
        text: `INSERT INTO receipts (${receiptColumns}) VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (room_id, user_id) DO UPDATE
                 SET user_name = EXCLUDED.user_name, seq = EXCLUDED.seq,
                     message_id = EXCLUDED.message_id, read_at = EXCLUDED.read_at
                 WHERE receipts.seq < EXCLUDED.seq
               RETURNING ${receiptColumns}`,
        values: [receipt.roomId, receipt.userId, receipt.userName, receipt.seq, receipt.messageId, receipt.readAt],
      });
      if (rows[0]) return { receipt: toReceipt(rows[0]), moved: true };
      const current = await get(receipt.roomId, receipt.userId);
      // The row that stopped the upsert exists (receipts are never deleted), so this is only a safeguard.
      return { receipt: current ?? Object.freeze({ ...receipt }), moved: false };
    },
    get,
  };
};
