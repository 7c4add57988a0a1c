import type { Redis } from 'ioredis';
import { RedisPubSub } from 'graphql-redis-subscriptions';
import { createLocalFanout } from '../local-fanout.js';
import type { RoomBus, RoomEventRecord } from '../types.js';
import type { Keys } from './keys.js';
import { parseEvent } from './records.js';

export interface RedisBus extends RoomBus {
  close(): Promise<void>;
  topicCount(): number;
}

/**
 * Publishes with PUBLISH, after the store has committed what the event announces;
 * subscribes through graphql-redis-subscriptions with one Redis channel subscription per room per
 * instance, shared by every local listener of that room. When the subscriber connection comes back after
 * a drop, every local room gets a `resync` so its message streams re-read the log for anything missed.
 */
export const createRedisBus = (options: {
  publisher: Redis;
  subscriber: Redis;
  keys: Keys;
  onError: (error: unknown) => void;
  /** Called once per event after this instance's listeners of the room had it (metrics). */
  onFanout?: (event: RoomEventRecord) => void;
}): RedisBus => {
  const { publisher, subscriber, keys, onError } = options;
  const fanout = createLocalFanout<RoomEventRecord>(onError, options.onFanout);
  const roomIdByChannel = new Map<string, string>();
  // One graphql-redis-subscriptions subscription per room; a SUBSCRIBE in flight is shared.
  const subscriptionIds = new Map<string, Promise<number>>();
  const pubsub = new RedisPubSub({
    publisher,
    subscriber,
    // Parsed and checked here rather than trusted: the channel is shared with every other instance.
    deserializer: (source) => {
      try {
        return parseEvent(source.toString());
      } catch (error) {
        onError(error);
        return undefined;
      }
    },
  });

  let closed = false;
  // The connection is usually up before the bus exists, and its first 'ready' has then already passed:
  // every 'ready' from now on is a reconnection, after which events may have been missed.
  let connectedOnce = subscriber.status === 'ready';
  subscriber.on('ready', () => {
    if (!connectedOnce) {
      connectedOnce = true;
      return;
    }
    for (const [channel, roomId] of roomIdByChannel) {
      if (fanout.listenerCount(channel) > 0) fanout.emit(channel, { kind: 'resync', roomId });
    }
  });

  return {
    async publish(roomId, event) {
      await publisher.publish(keys.room(roomId).channel, JSON.stringify(event));
    },
    async subscribe(roomId, listener) {
      const channel = keys.room(roomId).channel;
      roomIdByChannel.set(channel, roomId);
      const subscription = fanout.add(channel, listener);
      let subscribed = subscriptionIds.get(channel);
      if (!subscribed && subscriber.status !== 'ready') {
        // A SUBSCRIBE now would wait in the offline queue for as long as Redis is away: refuse at once
        // (ENGINE_UNAVAILABLE), as commands do, and let the client retry. Rooms already subscribed carry on.
        subscription.remove();
        throw new Error(`Redis subscriber connection is ${subscriber.status}`);
      }
      if (!subscribed) {
        subscribed = pubsub.subscribe(channel, (event: RoomEventRecord | undefined) => {
          if (event) fanout.emit(channel, event);
        });
        subscriptionIds.set(channel, subscribed);
      }
      try {
        await subscribed;
      } catch (error) {
        subscription.remove();
        if (subscriptionIds.get(channel) === subscribed) subscriptionIds.delete(channel);
        throw error;
      }
      return async () => {
        // After close the connection is gone, and with it every Redis subscription.
        if (!subscription.remove().wasLast || closed) return;
        const pending = subscriptionIds.get(channel);
        subscriptionIds.delete(channel);
        roomIdByChannel.delete(channel);
        if (pending) pubsub.unsubscribe(await pending);
      };
    },
    async close() {
      closed = true;
      await pubsub.close();
    },
    topicCount: () => subscriptionIds.size,
  };
};
