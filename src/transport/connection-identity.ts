import { CloseCode } from 'graphql-ws';
import type { TokenVerifier } from '../auth/jwt.js';
import type { Principal } from '../auth/principal.js';
import { ErrorCode, RoomcastError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import type { ConnectionAuth } from '../resolvers/context.js';

/** The part of a `ws` socket the identity needs: closing it, and hearing that it closed. */
export interface IdentitySocket {
  readonly readyState: number;
  close(code: number, reason: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/** Who a graphql-ws connection acts as, until its token's `exp`; `refresh` moves both. */
export interface ConnectionIdentity extends ConnectionAuth {
  /** The current principal, or undefined once its token has expired (the socket is then being closed). */
  current(): Principal | undefined;
}

/** The close a socket gets when its token expires: the same code as a refused `connection_init`. */
export const TOKEN_EXPIRED_CLOSE = { code: CloseCode.Forbidden, reason: 'Token expired' } as const;

// setTimeout fires at once for delays above 2^31 - 1 ms (~24.8 days); a longer-lived token is waited
// for in steps of this size.
const MAX_TIMEOUT_MS = 2_147_483_647;
const WS_OPEN = 1;

/**
 * One per graphql-ws connection, from a successful `connection_init` to the socket's close. A token
 * without `exp` never expires (as over HTTP), so its socket is not closed on its account.
 */
export const createConnectionIdentity = (deps: {
  socket: IdentitySocket;
  principal: Principal;
  verifier: TokenVerifier;
  clock: Clock;
}): ConnectionIdentity => {
  const { socket, verifier, clock } = deps;
  let principal = deps.principal;
  let cancelTimer: (() => void) | undefined;
  let closed = false;

  const expired = () => principal.expiresAt !== undefined && principal.expiresAt <= clock.now();
  const schedule = () => {
    cancelTimer?.();
    cancelTimer = undefined;
    if (closed || principal.expiresAt === undefined) return;
    // The timer may fire a little early by the clock's reading (or after a capped step): check again.
    cancelTimer = clock.setTimeout(onTimer, Math.min(Math.max(principal.expiresAt - clock.now(), 0), MAX_TIMEOUT_MS));
  };
  const onTimer = () => {
    cancelTimer = undefined;
    if (expired()) expire();
    else schedule();
  };
  const expire = () => {
    if (closed) return;
    closed = true;
    cancelTimer?.();
    cancelTimer = undefined;
    socket.close(TOKEN_EXPIRED_CLOSE.code, TOKEN_EXPIRED_CLOSE.reason);
  };

  socket.once('close', () => {
    closed = true;
    cancelTimer?.();
    cancelTimer = undefined;
  });
  // The socket may have closed while connection_init was being verified; its 'close' has then passed.
  if (socket.readyState !== WS_OPEN) closed = true;
  schedule();

  return {
    current() {
      if (!expired()) return principal;
      // The timer has not run yet (a busy event loop): no operation may start on an expired token.
      expire();
      return undefined;
    },
    async refresh(token) {
      const next = await verifier.verify(token.replace(/^Bearer\s+/i, ''));
      if (next.userId !== principal.userId) {
        throw new RoomcastError(ErrorCode.Forbidden, 'refreshAuth takes a token for the user this connection belongs to');
      }
      // The old token may have expired while the new one was verified: then the socket is already closing.
      if (closed) throw new RoomcastError(ErrorCode.Unauthenticated, 'The connection has closed');
      principal = next;
      schedule();
      return next;
    },
  };
};
