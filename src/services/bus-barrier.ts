import type { RoomBus } from '../engine/types.js';

/**
 * Resolves once every event published on the bus before the call has reached this instance's listeners:
 * a marker published on `topic` (one nobody else uses) after them comes back behind them. Both engines
 * deliver one instance's events in publish order across topics: the memory bus calls listeners inside
 * publish, and the Redis bus receives every channel on one subscriber connection, in the order Redis
 * executed the PUBLISHes (a message is published, after its commit, before sendMessage answers).
 */
export const passBusBarrier = async (bus: Pick<RoomBus, 'publish' | 'subscribe'>, topic: string): Promise<void> => {
  let passed: () => void = () => undefined;
  const back = new Promise<void>((resolve) => (passed = resolve));
  // A `resync` on a topic without streams is read by nobody else; it is the one internal event kind.
  const unsubscribe = await bus.subscribe(topic, () => passed());
  try {
    await bus.publish(topic, { kind: 'resync', roomId: topic });
    await back;
  } finally {
    await unsubscribe();
  }
};
