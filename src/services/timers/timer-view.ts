import type { TimerRecord } from '../../engine/types.js';

/**
 * A timer as a resolver shows it. `asOf` pins the instant `remainingMs` is computed for: an event shows
 * the remaining time at its ideal instant (a tick says exactly 2,000), a query shows it as of now.
 */
export type TimerView = TimerRecord & { readonly asOf?: number };
