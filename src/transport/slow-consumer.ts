/**
 * A subscriber whose connection stops reading is cut off once the bytes the server holds for it pass
 * MAX_SOCKET_BUFFER_BYTES, on graphql-ws and on SSE alike, so that one stalled reader costs at most that
 * much memory. It then resumes from its last cursor like any reconnecting client.
 */

/**
 * The close code of a graphql-ws socket cut off for not reading. It is not one of graphql-ws's own codes
 * (its `CloseCode` enum uses 4004, 4005, 4400, 4401, 4403, 4406, 4408, 4409, 4429, 4500, 4504, and its
 * client 4499), and graphql-ws's client retries on it, as it should: the client is healthy, only slow.
 */
export const SLOW_CONSUMER_CLOSE_CODE = 4008;

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
