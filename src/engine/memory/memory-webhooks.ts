import { compositeKey } from '../../lib/composite-key.js';
import { randomId } from '../../lib/random-id.js';
import type { MessageRecord, WebhookDeliveryRecord, WebhookEndpointRecord, WebhookStore } from '../types.js';

interface Delivery {
  record: WebhookDeliveryRecord;
  leasedUntil: number;
}

export interface MemoryWebhookStore extends WebhookStore {
  /**
   * Called synchronously by the message store's append, so that deliveries are queued in seq order;
   * answers how many it queued.
   */
  queue(message: MessageRecord): number;
}

/**
 * The outbox in process: per (endpoint, room) a queue of pending deliveries in seq order, whose head is
 * the only one that can be claimed. Lost on exit, like the rest of the memory store.
 */
export const createMemoryWebhookStore = (): MemoryWebhookStore => {
  const endpoints = new Map<string, WebhookEndpointRecord>();
  const byRoom = new Map<string, Set<string>>();
  const queues = new Map<string, Delivery[]>();
  const byId = new Map<string, Delivery>();
  const failures = new Map<string, WebhookDeliveryRecord[]>();

  const settle = (fence: Pick<WebhookDeliveryRecord, 'id' | 'attempts'>, next: WebhookDeliveryRecord | undefined) => {
    const current = byId.get(fence.id);
    if (!current || current.record.attempts !== fence.attempts) return;
    const key = compositeKey(current.record.endpointId, current.record.roomId);
    if (next?.status === 'PENDING') {
      current.record = next;
      current.leasedUntil = 0;
      return;
    }
    byId.delete(fence.id);
    const queue = queues.get(key) ?? [];
    queue.splice(queue.indexOf(current), 1);
    if (queue.length === 0) queues.delete(key);
    if (next) failures.get(current.record.endpointId)?.push(next);
  };

  return {
    queue(message) {
      const endpointIds = byRoom.get(message.roomId) ?? new Set<string>();
      for (const endpointId of endpointIds) {
        const key = compositeKey(endpointId, message.roomId);
        const queue = queues.get(key) ?? [];
        queues.set(key, queue);
        const delivery: Delivery = {
          record: {
            id: randomId('msg'),
            endpointId,
            roomId: message.roomId,
            seq: message.seq,
            status: 'PENDING',
            attempts: 0,
            nextAttemptAt: 0,
            lastError: null,
            createdAt: message.createdAt,
          },
          leasedUntil: 0,
        };
        queue.push(delivery);
        byId.set(delivery.record.id, delivery);
      }
      return endpointIds.size;
    },
    async createEndpoint(endpoint) {
      endpoints.set(endpoint.id, endpoint);
      failures.set(endpoint.id, []);
      for (const roomId of endpoint.roomIds) {
        const ids = byRoom.get(roomId) ?? new Set<string>();
        ids.add(endpoint.id);
        byRoom.set(roomId, ids);
      }
      return endpoint;
    },
    async listEndpoints() {
      return [...endpoints.values()];
    },
    async deleteEndpoint(endpointId) {
      const endpoint = endpoints.get(endpointId);
      if (!endpoint) return undefined;
      endpoints.delete(endpointId);
      failures.delete(endpointId);
      for (const roomId of endpoint.roomIds) {
        byRoom.get(roomId)?.delete(endpointId);
        for (const delivery of queues.get(compositeKey(endpointId, roomId)) ?? []) byId.delete(delivery.record.id);
        queues.delete(compositeKey(endpointId, roomId));
      }
      return endpoint;
    },
    async claim(nowMs, leaseMs, limit) {
      const claims = [];
      for (const queue of queues.values()) {
        if (claims.length >= limit) break;
        const head = queue[0];
        if (!head || head.leasedUntil > nowMs || head.record.nextAttemptAt > nowMs) continue;
        const endpoint = endpoints.get(head.record.endpointId);
        if (!endpoint) continue;
        head.record = { ...head.record, attempts: head.record.attempts + 1 };
        head.leasedUntil = nowMs + leaseMs;
        claims.push({ delivery: head.record, url: endpoint.url, secret: endpoint.secret });
      }
      return claims;
    },
    async delivered(fence) {
      settle(fence, undefined);
    },
    async retryLater(fence, nextAttemptAt, error) {
      const current = byId.get(fence.id);
      if (current) settle(fence, { ...current.record, nextAttemptAt, lastError: error });
    },
    async failed(fence, error) {
      const current = byId.get(fence.id);
      if (current) settle(fence, { ...current.record, status: 'FAILED', lastError: error });
    },
    async deliveries(endpointId, status, limit) {
      if (status === 'FAILED') return (failures.get(endpointId) ?? []).slice(0, limit);
      const endpoint = endpoints.get(endpointId);
      const pending = (endpoint?.roomIds ?? []).flatMap((roomId) => (queues.get(compositeKey(endpointId, roomId)) ?? []).map((d) => d.record));
      return pending.sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq).slice(0, limit);
    },
  };
};
