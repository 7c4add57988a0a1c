import type { ServerResponse } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import { codedErrorResponse, ErrorCode } from '../../errors/index.js';
import { nodeResponseOf, replaceBodyWrite } from '../internals/whatwg-node-internals.js';
import { SSE_EVENT_END } from '../internals/yoga-internals.js';
import type { Clock } from '../../lib/clock.js';
import { SSE_CLOSE_TIMEOUT_MS, type SlowConsumerEvent } from '../slow-consumer.js';

export interface SseSendBoundOptions {
  /** Unsent bytes an SSE response may hold (MAX_SOCKET_BUFFER_BYTES, as for a graphql-ws socket). */
  maxBufferedBytes: number;
  clock: Clock;
  onSlowConsumer: (event: SlowConsumerEvent) => void;
}

// What a cut-off SSE subscriber reads last, if it reads that far: a coded error, then the end of the stream
// (graphql-sse's distinct-connections `next` and `complete` events).
const FINAL_EVENTS = `event: next\ndata: ${JSON.stringify(
  codedErrorResponse(ErrorCode.SlowConsumer, 'Subscriber fell too far behind; resume from the last cursor'),
)}\n\nevent: complete\ndata:\n\n`;

const LF = 0x0a;

// Each chunk reaching node is whole events (sse-body.ts cuts yoga's body at event ends, and
// @whatwg-node/server writes each chunk as it is): only after a chunk ending in a blank line is the stream
// between two events, where a final event of ours can go.
const endsAnEvent = (chunk: unknown): boolean => {
  if (typeof chunk === 'string') return chunk.endsWith(SSE_EVENT_END);
  return chunk instanceof Uint8Array && chunk.length >= 2 && chunk[chunk.length - 1] === LF && chunk[chunk.length - 2] === LF;
};

/**
 * Bounds what an SSE response holds for a subscriber that stops reading, as server-socket.ts does for
 * graphql-ws sockets.
 *
 * yoga's SSE body reaches node through @whatwg-node/server, which pipes it into the `ServerResponse` and
 * pauses when `write()` returns false (past node's 16 KiB watermark) until `drain`. That alone would keep a
 * stalled reader's subscription alive forever, its events parked in its room stream. Here the response may
 * instead fill up to `maxBufferedBytes` (`writableLength`: unsent bytes in node and its socket); past that,
 * at the next event boundary, the stream gets a final SLOW_CONSUMER error and `complete`, and is ended. Its
 * source stays paused from then on. A reader that catches up within SSE_CLOSE_TIMEOUT_MS reads everything
 * buffered, then those two events; otherwise the response is destroyed, which releases the buffer, and
 * @whatwg-node/server's close handler cancels the body and with it the subscription.
 */
const boundResponse = (res: ServerResponse, { maxBufferedBytes, clock, onSlowConsumer }: SseSendBoundOptions): void => {
  let cut = false;
  replaceBodyWrite(res, (write, args) => {
    if (cut) return false;
    write(...args);
    const bufferedBytes = res.writableLength;
    // Up to the bound the source may run ahead of node's own watermark: the bound, not 16 KiB, is the limit.
    if (bufferedBytes <= maxBufferedBytes || !endsAnEvent(args[0])) return true;
    cut = true;
    onSlowConsumer({ transport: 'sse', bufferedBytes });
    write(FINAL_EVENTS);
    res.end();
    const cancel = clock.setTimeout(() => res.destroy(), SSE_CLOSE_TIMEOUT_MS);
    res.once('close', cancel);
    return false;
  });
};

/** Applies `boundResponse` to every `text/event-stream` response served over node:http. */
export const useSseSendBound = (options: SseSendBoundOptions): Plugin => ({
  onResponse: ({ response, serverContext }) => {
    if (!response.headers.get('content-type')?.startsWith('text/event-stream')) return;
    const res = nodeResponseOf(serverContext);
    if (res) boundResponse(res, options);
  },
});
