// How the countdown reads. The seconds shown are the server's remainingMs rounded up, so a timer with
// 4,000 ms left shows 0:04 from the tick that said 4,000 until the tick that says 3,000; every client
// switches at the same server tick, and nothing here counts on its own.
import type { CountdownView } from '../../../client/index.js';

export const formatRemaining = (remainingMs: number): string => {
  const seconds = Math.max(0, Math.ceil(remainingMs / 1_000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

export const describeCountdown = (view: CountdownView | null): string => {
  if (!view) return 'no countdown yet';
  const label = view.label ? `${view.label} · ` : '';
  const who = `started by ${view.startedBy.name}`;
  switch (view.status) {
    case 'RUNNING':
      return `${label}running, ${who}`;
    case 'PAUSED':
      return `${label}paused, ${who}`;
    case 'FINISHED':
      return `${label}time is up`;
    case 'STOPPED':
      return `${label}stopped`;
  }
};
