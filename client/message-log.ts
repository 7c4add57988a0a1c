// A room's messages as the app must see them: every message once, in `seq` order, from a starting point
// on. Live messages at or below the last delivered seq are duplicates (a replay after a reconnect overlaps
// what was already shown) and are dropped. A message above the next expected seq means some were missed
// (a live-only subscription of a room that had no cursor yet); the log then reads history after its
// cursor until it has delivered everything up to the highest seq it has seen, and drops live messages
// above the next one meanwhile, since history returns them too. No buffer, so nothing to bound.
// A stream without a cursor cannot ask the server for a replay, so its owner calls `catchUp` whenever
// such a stream (re)starts: messages that no later message would reveal as missing are read then.
import { backoffDelayMs, type BackoffOptions } from './backoff.js';

export interface LoggedMessage {
  seq: number;
  cursor: string;
}

export interface HistoryPage<M> {
  messages: readonly M[];
  hasNextPage: boolean;
}

export interface MessageLogOptions<M extends LoggedMessage> {
  /** The last message already shown (seq 0 and no cursor for an empty room). */
  start: { seq: number; cursor: string | undefined };
  /** History after `cursor` (from the room's first message when undefined), ascending. */
  fetchAfter(cursor: string | undefined): Promise<HistoryPage<M>>;
  deliver(message: M): void;
  /** Waits before retrying a failed history read. */
  pause(ms: number): Promise<void>;
  backoff: BackoffOptions;
  onError(error: unknown): void;
}

export interface MessageLog<M extends LoggedMessage> {
  /** A message from the live stream (or a replay). */
  accept(message: M): void;
  /** Reads history after the cursor up to its end: for streams that had no cursor to resume from. */
  catchUp(): void;
  /** The cursor of the last delivered message: what to resubscribe with as `after`. */
  cursor(): string | undefined;
  close(): void;
}

export const createMessageLog = <M extends LoggedMessage>(options: MessageLogOptions<M>): MessageLog<M> => {
  let lastSeq = options.start.seq;
  let lastCursor = options.start.cursor;
  let highestSeen = lastSeq;
  let filling = false;
  let closed = false;

  const deliverIfNext = (message: M): boolean => {
    if (message.seq !== lastSeq + 1) return false;
    lastSeq = message.seq;
    lastCursor = message.cursor;
    options.deliver(message);
    return true;
  };

  // Reads history after the cursor while something is known to be missing (a seq above the next one
  // was seen) or a catch-up was asked for (until history has no next page).
  let catchUpRequested = false;
  const fill = async () => {
    filling = true;
    let failures = 0;
    try {
      while (!closed && (lastSeq < highestSeen || catchUpRequested)) {
        const catchingUp = catchUpRequested;
        try {
          const page = await options.fetchAfter(lastCursor);
          failures = 0;
          let progressed = false;
          for (const message of page.messages) if (!closed && deliverIfNext(message)) progressed = true;
          if (page.hasNextPage) continue;
          if (catchingUp) catchUpRequested = false;
          // History shorter than what the stream showed cannot happen (messages are stored before they
          // are published); stop rather than spin if it ever does.
          if (!progressed && lastSeq < highestSeen) break;
        } catch (error) {
          options.onError(error);
          await options.pause(backoffDelayMs(failures++, options.backoff));
        }
      }
    } finally {
      filling = false;
    }
  };

  return {
    accept(message) {
      if (closed || message.seq <= lastSeq) return;
      highestSeen = Math.max(highestSeen, message.seq);
      if (!filling && deliverIfNext(message)) return;
      if (!filling) void fill();
    },
    catchUp() {
      catchUpRequested = true;
      if (!filling) void fill();
    },
    cursor: () => lastCursor,
    close() {
      closed = true;
    },
  };
};
