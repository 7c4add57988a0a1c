import type { Clock } from '../../lib/clock.js';
import { badInput, notFound } from '../../errors/index.js';
import { parseMessageId } from '../../engine/message-id.js';
import type { Engine, ReceiptRecord } from '../../engine/types.js';
import type { RoomService } from '../rooms.js';
import type { WriteLimits } from '../write-limits.js';
import type { Actor } from '../actor.js';

export interface ReceiptService {
  /** Moves the caller's read pointer forward to the message; a message at or before it is a no-op. */
  markRead(actor: Actor, roomId: string, messageId: string): Promise<ReceiptRecord>;
  /** Messages after the caller's read pointer. */
  unreadCount(userId: string, roomId: string): Promise<number>;
}

export const createReceiptService = (deps: {
  engine: Pick<Engine, 'receipts' | 'messages' | 'bus'>;
  rooms: RoomService;
  clock: Clock;
  writes: WriteLimits;
}): ReceiptService => ({
  async markRead(actor, roomId, messageId) {
    await deps.writes.spend('receipts', actor.userId);
    await deps.rooms.requireVisible(actor.userId, roomId);
    const parsed = parseMessageId(messageId);
    // Only ids this server wrote are accepted (see parseMessageId): a receipt echoes its id to the room.
    if (!parsed || parsed.roomId !== roomId) throw badInput('`messageId` is not a message of this room', { argument: 'messageId' });
    if (parsed.seq > (await deps.engine.messages.head(roomId))) throw notFound('Message');
    const { receipt, moved } = await deps.engine.receipts.advance({
      roomId,
      userId: actor.userId,
      userName: actor.name,
      seq: parsed.seq,
      messageId,
      readAt: deps.clock.now(),
    });
    if (moved) await deps.engine.bus.publish(roomId, { kind: 'receipt', receipt });
    return receipt;
  },
  async unreadCount(userId, roomId) {
    const [head, receipt] = await Promise.all([deps.engine.messages.head(roomId), deps.engine.receipts.get(roomId, userId)]);
    return Math.max(0, head - (receipt?.seq ?? 0));
  },
});
