// WebSocket close codes the server sends, and what a client should do about each. graphql-ws's own
// (`CloseCode` in graphql-ws/common) are re-stated here so that one module holds every code on the wire;
// ours sit in 4000–4099, which graphql-ws leaves free (its codes are 4004…4504, its client's 4499).
export const CloseCode = {
  /** The server is shutting down (after draining): reconnect, to another instance if there is one. */
  GoingAway: 1001,
  /** The socket did not read fast enough (MAX_SOCKET_BUFFER_BYTES): reconnect and resume from the last cursor. */
  SlowConsumer: 4008,
  /** The user already holds MAX_CONNECTIONS_PER_USER sockets: close one first. */
  TooManyConnections: 4029,
  /** graphql-ws: a message the protocol does not allow (bad JSON, unknown type, too deep). Retrying cannot help. */
  BadRequest: 4400,
  /** graphql-ws: the token was missing, forged or has expired. Retrying with the same token cannot help. */
  Forbidden: 4403,
  /** graphql-ws: an operation failed while it was being set up. */
  InternalServerError: 4500,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
