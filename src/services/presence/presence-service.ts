import type { Clock } from '../../lib/clock.js';
import { compositeKey } from '../../lib/composite-key.js';
import type { Engine } from '../../engine/types.js';

export interface PresenceHolder {
  userId: string;
  userName: string;
  /** A graphql-ws socket, or one SSE request: the unit a user is online through. */
  connectionId: string;
}

export interface PresenceService {
  /**
   * Counts one subscription of a connection on a room; the first one brings the user online (if they
   * were not already). Returns the release, which is idempotent; releasing the connection's last
   * subscription on the room starts the grace period after which the user goes offline.
   */
  hold(roomId: string, holder: PresenceHolder): Promise<() => void>;
  online(roomId: string): Promise<string[]>;
  /**
   * Cancels pending grace timers and arms no more (process shutdown): users then expire through another
   * instance's sweep, or on restart.
   */
  stop(): void;
}

export interface PresenceServiceDeps {
  engine: Pick<Engine, 'presence' | 'bus'>;
  clock: Clock;
  graceMs: number;
  onError: (error: unknown) => void;
}

export const createPresenceService = ({ engine, clock, graceMs, onError }: PresenceServiceDeps): PresenceService => {
  // Subscriptions per (connection, room) in this process: only the first and the last touch the engine,
  // so a client with many subscriptions on one room costs one presence entry.
  const holds = new Map<string, number>();
  const graceTimers = new Set<() => void>();
  let stopped = false;

  const publish = (roomId: string, holder: PresenceHolder, online: boolean) =>
    engine.bus.publish(roomId, { kind: 'presence', roomId, userId: holder.userId, userName: holder.userName, online });

  const startGrace = (roomId: string, holder: PresenceHolder) => {
    if (stopped) return;
    const cancel = clock.setTimeout(() => {
      graceTimers.delete(cancel);
      void (async () => {
        if (await engine.presence.expire(roomId, holder.userId)) await publish(roomId, holder, false);
      })().catch(onError);
    }, graceMs);
    graceTimers.add(cancel);
  };

  const release = async (roomId: string, holder: PresenceHolder, key: string) => {
    const count = (holds.get(key) ?? 0) - 1;
    if (count > 0) {
      holds.set(key, count);
      return;
    }
    holds.delete(key);
    if (await engine.presence.disconnect(roomId, holder.userId, holder.connectionId)) startGrace(roomId, holder);
  };

  return {
    async hold(roomId, holder) {
      const key = compositeKey(holder.connectionId, roomId);
      const count = (holds.get(key) ?? 0) + 1;
      holds.set(key, count);
      if (count === 1 && (await engine.presence.connect(roomId, holder.userId, holder.userName, holder.connectionId))) {
        await publish(roomId, holder, true);
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        release(roomId, holder, key).catch(onError);
      };
    },
    online: (roomId) => engine.presence.online(roomId),
    stop() {
      stopped = true;
      for (const cancel of graceTimers) cancel();
      graceTimers.clear();
    },
  };
};
