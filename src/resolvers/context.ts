import type { Principal } from '../auth/principal.js';
import type { Clock } from '../lib/clock.js';
import type { Services } from '../services/index.js';

/** The identity of the connection an operation arrived on, as far as a resolver may change it. */
export interface ConnectionAuth {
  /**
   * Verifies `token` and makes it the identity of this connection, resolving to the new principal.
   * Throws UNAUTHENTICATED (bad token), FORBIDDEN (another user's token), or BAD_USER_INPUT where the
   * connection has no lasting identity to replace (HTTP and SSE carry a token on every request).
   */
  refresh(token: string): Promise<Principal>;
}

/** What every resolver sees. Built once per HTTP request, SSE stream or graphql-ws operation. */
export interface Context {
  /** The caller when this operation started; later operations on a socket see a refreshed identity. */
  readonly principal: Principal;
  /** The graphql-ws socket, or this one HTTP/SSE request: what presence counts a user online through. */
  readonly connectionId: string;
  readonly connection: ConnectionAuth;
  readonly services: Services;
  readonly clock: Clock;
}
