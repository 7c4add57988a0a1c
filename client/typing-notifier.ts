// Turns keystrokes into few setTyping calls: `true` on the first keystroke and again every `renewMs`
// while typing continues (the server drops an indicator that is not renewed within its TTL, 5 s by
// default), `false` after `idleMs` without a keystroke or when the message is sent. Typing is a hint: a
// failed call is not retried, the next keystroke or the server's TTL corrects it.
import type { ClientClock } from './client-clock.js';

export interface TypingNotifierOptions {
  setTyping(typing: boolean): Promise<unknown>;
  clock: ClientClock;
  renewMs: number;
  idleMs: number;
}

export interface TypingNotifier {
  /** Call on every keystroke in the composer. */
  keystroke(): void;
  /** Call when the message was sent or the composer emptied. */
  stop(): void;
}

export const createTypingNotifier = ({ setTyping, clock, renewMs, idleMs }: TypingNotifierOptions): TypingNotifier => {
  let typing = false;
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let cancelIdle: (() => void) | undefined;

  const send = (value: boolean) => {
    typing = value;
    if (value) lastSentAt = clock.now();
    setTyping(value).catch(() => undefined);
  };

  const stop = () => {
    cancelIdle?.();
    cancelIdle = undefined;
    if (typing) send(false);
  };

  return {
    keystroke() {
      if (!typing || clock.now() - lastSentAt >= renewMs) send(true);
      cancelIdle?.();
      cancelIdle = clock.setTimeout(stop, idleMs);
    },
    stop,
  };
};
