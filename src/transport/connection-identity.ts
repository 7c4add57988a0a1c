import { CloseCode } from 'graphql-ws';
import type { TokenVerifier } from '../auth/jwt.js';
import type { Principal } from '../auth/principal.js';
import { ErrorCode, RoomcastError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import type { ConnectionAuth } from '../resolvers/context.js';

/** The part of a `ws` socket the identity needs: whether it is open, and closing it. */
export interface IdentitySocket {
  readonly readyState: number;
  close(code: number, reason: string): void;
}

/** The close a socket gets when its token expires: the same code as a refused `connection_init`. */
export const TOKEN_EXPIRED_CLOSE = { code: CloseCode.Forbidden, reason: 'Token expired' } as const;

// setTimeout fires at once for delays above 2^31 - 1 ms (~24.8 days); a longer-lived token is waited
// for in steps of this size.
const MAX_TIMEOUT_MS = 2_147_483_647;
const WS_OPEN = 1;

/**
 * Who a graphql-ws connection acts as, from a successful `connection_init` until the socket closes, and
 * the one timer that closes the socket with 4403 when that identity's token expires. `refresh` replaces
 * both. A token without `exp` never expires (as over HTTP), so its socket is not closed on its account.
 *
 * A class rather than closures: every idle socket holds one, and its methods then cost nothing per socket.
 */
export class ConnectionIdentity implements ConnectionAuth {
  private principal: Principal;
  private cancelTimer: (() => void) | undefined;
  private closed: boolean;

  constructor(
    private readonly socket: IdentitySocket,
    principal: Principal,
    private readonly verifier: TokenVerifier,
    private readonly clock: Clock,
  ) {
    this.principal = principal;
    // The socket may have closed while connection_init was being verified, before this existed.
    this.closed = socket.readyState !== WS_OPEN;
    this.schedule();
  }

  /** Whose connection this is (for logs): the same user for its whole life, refreshed or expired. */
  get userId(): string {
    return this.principal.userId;
  }

  /** The current principal, or undefined once its token has expired (the socket is then being closed). */
  current(): Principal | undefined {
    if (!this.expired()) return this.principal;
    // The timer has not run yet (a busy event loop): no operation may start on an expired token.
    this.expire();
    return undefined;
  }

  async refresh(token: string): Promise<Principal> {
    const next = await this.verifier.verifyCredential(token);
    if (next.userId !== this.principal.userId) {
      throw new RoomcastError(ErrorCode.Forbidden, 'refreshAuth takes a token for the user this connection belongs to');
    }
    // The old token may have expired while the new one was verified: then the socket is already closing.
    if (this.closed) throw new RoomcastError(ErrorCode.Unauthenticated, 'The connection has closed');
    this.principal = next;
    this.schedule();
    return next;
  }

  /** The socket has closed: nothing is left to expire. */
  close(): void {
    this.closed = true;
    this.stopTimer();
  }

  private expired(): boolean {
    return this.principal.expiresAt !== undefined && this.principal.expiresAt <= this.clock.now();
  }

  private schedule(): void {
    this.stopTimer();
    const { expiresAt } = this.principal;
    if (this.closed || expiresAt === undefined) return;
    const delayMs = Math.min(Math.max(expiresAt - this.clock.now(), 0), MAX_TIMEOUT_MS);
    this.cancelTimer = this.clock.setTimeout(() => {
      this.cancelTimer = undefined;
      // The timer may fire a little early by the clock's reading, or after a capped step: check again.
      if (this.expired()) this.expire();
      else this.schedule();
    }, delayMs);
  }

  private expire(): void {
    if (this.closed) return;
    this.close();
    this.socket.close(TOKEN_EXPIRED_CLOSE.code, TOKEN_EXPIRED_CLOSE.reason);
  }

  private stopTimer(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}
