import type { Clock } from '../../lib/clock.js';
import { compositeKey } from '../../lib/composite-key.js';
import type { Engine } from '../../engine/types.js';
import type { RoomService } from '../rooms.js';
import type { WriteLimits } from '../write-limits.js';
import type { Actor } from '../actor.js';

export interface TypingService {
  /** Shows or clears the caller's indicator; a repeated `true` inside the window only renews it. */
  set(actor: Actor, roomId: string, typing: boolean): Promise<boolean>;
  list(roomId: string): Promise<string[]>;
  stop(): void;
}

export interface TypingServiceDeps {
  engine: Pick<Engine, 'typing' | 'bus'>;
  rooms: RoomService;
  clock: Clock;
  ttlMs: number;
  writes: WriteLimits;
  onError: (error: unknown) => void;
}

export const createTypingService = ({ engine, rooms, clock, ttlMs, writes, onError }: TypingServiceDeps): TypingService => {
  // One pending expiry per (room, user) in this process; a renewal replaces it.
  const expiries = new Map<string, () => void>();

  const publish = (roomId: string, actor: Actor, typing: boolean) =>
    engine.bus.publish(roomId, { kind: 'typing', roomId, userId: actor.userId, userName: actor.name, typing });

  const scheduleExpiry = (roomId: string, actor: Actor) => {
    const key = compositeKey(roomId, actor.userId);
    expiries.get(key)?.();
    const cancel = clock.setTimeout(() => {
      expiries.delete(key);
      void (async () => {
        if (await engine.typing.expire(roomId, actor.userId, clock.now())) await publish(roomId, actor, false);
      })().catch(onError);
    }, ttlMs);
    expiries.set(key, cancel);
  };

  return {
    async set(actor, roomId, typing) {
      await writes.spend('typing', actor.userId);
      await rooms.requireVisible(actor.userId, roomId);
      if (typing) {
        const started = await engine.typing.start(roomId, actor.userId, actor.name, clock.now() + ttlMs);
        scheduleExpiry(roomId, actor);
        if (started) await publish(roomId, actor, true);
      } else {
        const key = compositeKey(roomId, actor.userId);
        expiries.get(key)?.();
        expiries.delete(key);
        if (await engine.typing.stop(roomId, actor.userId)) await publish(roomId, actor, false);
      }
      return typing;
    },
    list: (roomId) => engine.typing.list(roomId, clock.now()),
    stop() {
      for (const cancel of expiries.values()) cancel();
      expiries.clear();
    },
  };
};
