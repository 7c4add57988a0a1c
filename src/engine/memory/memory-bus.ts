import { createLocalFanout } from '../local-fanout.js';
import type { RoomBus, RoomEventRecord } from '../types.js';

/**
 * In one process the bus is a queue in front of the local fan-out: publish enqueues, and the queue is
 * drained on the next turn of the event loop, in publish order across rooms. Listeners therefore never
 * run inside the publisher's call (a sendMessage answers before its subscribers are written to), which
 * is where the Redis bus delivers too: after the publish, from the bus.
 */
export const createMemoryBus = (
  onListenerError: (error: unknown) => void,
  onFanout?: (event: RoomEventRecord) => void,
): RoomBus & { topicCount(): number } => {
  const fanout = createLocalFanout<RoomEventRecord>(onListenerError, onFanout);
  let queue: { roomId: string; event: RoomEventRecord }[] = [];
  const drain = () => {
    const batch = queue;
    queue = [];
    for (const { roomId, event } of batch) fanout.emit(roomId, event);
  };
  return {
    async publish(roomId, event) {
      if (queue.length === 0) setImmediate(drain);
      queue.push({ roomId, event });
    },
    async subscribe(roomId, listener) {
      const subscription = fanout.add(roomId, listener);
      return async () => {
        subscription.remove();
      };
    },
    topicCount: () => fanout.topicCount(),
  };
};
