import type { Socket } from 'node:net';
import type { Context as ProtocolContext } from 'graphql-ws';
import type { ServerSocket } from '../server-socket.js';
import type { ConnectionIdentity } from '../connection-identity.js';
import { randomId } from '../../lib/random-id.js';

/** graphql-ws's per-socket context, with our record as its `extra`. */
export type WsContext = ProtocolContext<Record<string, unknown> | undefined, WsConnection>;

/** What an accepted `connection_init` gave the socket: who it acts as, and the user's slot it holds. */
export interface Session {
  identity: ConnectionIdentity;
  /** Gives back the slot in the user's MAX_CONNECTIONS_PER_USER; idempotent. */
  release: () => void;
  /** Ids of the subscriptions counted against MAX_SUBSCRIPTIONS_PER_CONNECTION. */
  subscriptionIds: Set<string>;
  /** graphql-ws's context of the socket: its running operations (`subscriptions`), ended from outside on a cut. */
  protocol: WsContext;
}

/**
 * What the server keeps per graphql-ws socket (graphql-ws's `ctx.extra`), complete from the moment the
 * socket is accepted; the only thing that arrives later is the session, in one piece, and only once.
 */
export class WsConnection {
  readonly id = randomId('ws');
  private current: Session | undefined;
  private closed = false;

  constructor(
    readonly socket: ServerSocket,
    /** The TCP socket under `socket` (handed to us by the upgrade), corked by coalesced writes. */
    readonly transport: Socket,
  ) {}

  /** The session, once `connection_init` was accepted and while the socket is open. */
  get session(): Session | undefined {
    return this.current;
  }

  /**
   * Starts the session: false (and the session's slot and timer given back) when the socket closed while
   * `connection_init` was being verified.
   */
  admit(session: Session): boolean {
    if (this.closed || this.socket.readyState === this.socket.CLOSED) {
      session.release();
      session.identity.close();
      return false;
    }
    this.current = session;
    return true;
  }

  /** The socket has closed: gives back what the session held. The session it had, the first time only. */
  close(): Session | undefined {
    if (this.closed) return undefined;
    this.closed = true;
    const session = this.current;
    session?.release();
    session?.identity.close();
    return session;
  }
}
