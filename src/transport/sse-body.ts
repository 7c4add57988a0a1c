import type { Clock } from '../lib/clock.js';
import { SSE_EVENT_END, SSE_NEXT_EVENT_START } from './internals/yoga-internals.js';

/** Our heartbeat; yoga's own keep-alive is a bare `:` (every 12 s), which proxies may see too rarely. */
export const HEARTBEAT = ': heartbeat\n\n';

export interface EventStreamOptions {
  /** The `id:` of the next `next` event, in the order the results were handed to yoga's writer; undefined: none. */
  nextEventId(): string | undefined;
  heartbeatMs: number;
  clock: Clock;
  ReadableStream: typeof ReadableStream;
  TextEncoder: typeof TextEncoder;
}

/**
 * yoga's SSE body with what GraphQL over SSE leaves to us (CONTRACT.md "SSE"): an `id:` line on each event
 * that delivers a message (its cursor, which `Last-Event-ID` resumes from), and a comment at least every
 * `heartbeatMs` so that proxies keep an idle stream open.
 *
 * yoga's body arrives in chunks of any size (its fetch implementation may join or split what the writer
 * enqueued); it is cut here at event ends (a blank line, internals/yoga-internals.ts) and each whole
 * event leaves as one chunk. So the `id:` is added where the event starts, everything after this point
 * (the SSE send bound) sees whole events, and a heartbeat never falls inside one. Cancelling this body cancels yoga's, which returns the subscription.
 */
export const withIdsAndHeartbeats = (body: ReadableStream<Uint8Array>, options: EventStreamOptions): ReadableStream<Uint8Array> => {
  const encoder = new options.TextEncoder();
  const decoder = new TextDecoder();
  const heartbeat = encoder.encode(HEARTBEAT);
  const reader = body.getReader();
  let pending = '';
  let stopped = false;
  let cancelHeartbeat: () => void = () => undefined;
  const stop = () => {
    stopped = true;
    cancelHeartbeat();
  };
  /** The whole events in `pending`, each with its id if it is a `next` event; the rest stays pending. */
  const takeEvents = (): string => {
    const end = pending.lastIndexOf(SSE_EVENT_END);
    if (end === -1) return '';
    const events = pending.slice(0, end + SSE_EVENT_END.length);
    pending = pending.slice(end + SSE_EVENT_END.length);
    return events
      .split(/(?<=\n\n)/) // after each SSE_EVENT_END
      .map((event) => {
        if (!event.startsWith(SSE_NEXT_EVENT_START)) return event;
        const id = options.nextEventId();
        return id === undefined ? event : `id: ${id}\n${event}`;
      })
      .join('');
  };
  return new options.ReadableStream<Uint8Array>({
    start(controller) {
      const beat = () => {
        if (stopped) return;
        // Also while the reader is behind: a comment is a few bytes, and the send bound cuts a reader
        // that stays behind.
        controller.enqueue(heartbeat);
        cancelHeartbeat = options.clock.setTimeout(beat, options.heartbeatMs);
      };
      cancelHeartbeat = options.clock.setTimeout(beat, options.heartbeatMs);
    },
    async pull(controller) {
      try {
        // Until something whole can be passed on: a pull that enqueues nothing would not be called again.
        for (;;) {
          const chunk = await reader.read();
          if (stopped) return;
          if (chunk.done) {
            pending += decoder.decode();
            if (pending !== '') controller.enqueue(encoder.encode(takeEvents() + pending));
            stop();
            controller.close();
            return;
          }
          pending += decoder.decode(chunk.value, { stream: true });
          const events = takeEvents();
          if (events !== '') {
            controller.enqueue(encoder.encode(events));
            return;
          }
        }
      } catch (error) {
        // A read cut short by cancel (below) is the end, not a failure.
        if (!stopped) controller.error(error);
      }
    },
    cancel(reason) {
      stop();
      // @whatwg-node/node-fetch's reader reads through node's async iterator, whose return() waits for a
      // pending read (the next event or heartbeat: up to heartbeatMs) before it releases anything; its
      // stream's own cancel destroys at once, lock or not, and so returns the subscription now. A standard
      // stream refuses that cancel while locked, and its reader's cancel is immediate.
      void body.cancel(reason).catch(() => undefined);
      return reader.cancel(reason).catch(() => undefined);
    },
  });
};
