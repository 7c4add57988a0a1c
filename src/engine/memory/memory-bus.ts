import { createLocalFanout } from '../local-fanout.js';
import type { RoomBus, RoomEventRecord } from '../types.js';

/** In one process the bus is the local fan-out itself: publish calls the room's listeners synchronously. */
export const createMemoryBus = (
  onListenerError: (error: unknown) => void,
  onFanout?: (event: RoomEventRecord) => void,
): RoomBus & { topicCount(): number } => {
  const fanout = createLocalFanout<RoomEventRecord>(onListenerError, onFanout);
  return {
    async publish(roomId, event) {
      fanout.emit(roomId, event);
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
