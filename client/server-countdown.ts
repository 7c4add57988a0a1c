// A room's shared countdown: the most recently started timer, as the server reports it. `remainingMs` is
// only ever the server's number (from `timerTicked`: the state first, then every tick and change), never
// counted down here, so every client shows the same second and no client clock can drift or cheat. Other
// sources (the room's timer list, `TimerChanged` events, mutation results) only say which timer is the
// latest; its values then come from its own tick stream, which the connection resubscribes after a drop.
import type { TimerFieldsFragment, TimerTickedSubscription } from './generated/graphql.js';
import { createValue, type ObservableValue } from './observable-value.js';

export type CountdownView = TimerFieldsFragment;

export interface ServerCountdownOptions {
  /** Subscribes `timerTicked(timerId)`; returns the unsubscribe. */
  subscribeTicks(timerId: string, next: (tick: TimerTickedSubscription['timerTicked']) => void): () => void;
}

export interface ServerCountdown {
  readonly value: ObservableValue<CountdownView | null>;
  /** A timer of the room seen anywhere; becomes the countdown if it was started after the current one. */
  consider(timer: TimerFieldsFragment): void;
  close(): void;
}

const isLive = (timer: TimerFieldsFragment) => timer.status === 'RUNNING' || timer.status === 'PAUSED';
const startedAtMs = (timer: TimerFieldsFragment) => Date.parse(timer.startedAt);

export const createServerCountdown = ({ subscribeTicks }: ServerCountdownOptions): ServerCountdown => {
  const value = createValue<CountdownView | null>(null);
  let unsubscribeTicks: (() => void) | undefined;
  let closed = false;

  return {
    value,
    consider(timer) {
      const current = value.get();
      if (closed || (current && (timer.id === current.id || startedAtMs(timer) < startedAtMs(current)))) return;
      unsubscribeTicks?.();
      unsubscribeTicks = undefined;
      value.set(timer);
      if (!isLive(timer)) return;
      unsubscribeTicks = subscribeTicks(timer.id, (tick) => {
        if (value.get()?.id !== tick.timer.id) return;
        value.set({ ...tick.timer, remainingMs: tick.remainingMs });
      });
    },
    close() {
      closed = true;
      unsubscribeTicks?.();
    },
  };
};
