/**
 * A subscriber whose connection stops reading is cut off once the bytes the server holds for it pass
 * MAX_SOCKET_BUFFER_BYTES, on graphql-ws and on SSE alike, so that one stalled reader costs at most that
 * much memory. It then resumes from its last cursor like any reconnecting client.
 */

import { CloseCode } from '../protocol/index.js';

/** The close code of a graphql-ws socket cut off for not reading; graphql-ws's client retries on it. */
export const SLOW_CONSUMER_CLOSE_CODE = CloseCode.SlowConsumer;

/**
 * How long a cut-off SSE response may take to finish. Its last events are queued behind everything
 * already buffered, so a peer that does not read never receives them; after this the connection is
 * destroyed, which releases the buffer and (only then) the subscription. A graphql-ws socket is kept
 * longer (WS_CLOSE_TIMEOUT_MS): its subscriptions are released at the cut, and it holds only its buffer.
 */
export const SSE_CLOSE_TIMEOUT_MS = 5_000;

export interface SlowConsumerEvent {
  transport: 'graphql-ws' | 'sse';
  /** Unsent bytes held for the connection when it was cut off. */
  bufferedBytes: number;
}
