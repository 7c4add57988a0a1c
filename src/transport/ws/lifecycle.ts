import type { Logger } from 'pino';
import type { TokenVerifier } from '../../auth/jwt.js';
import type { Principal } from '../../auth/principal.js';
import type { Clock } from '../../lib/clock.js';
import type { Metrics } from '../../observability/metrics.js';
import { ConnectionIdentity } from '../connection-identity.js';
import { TOO_MANY_CONNECTIONS_CLOSE, type UserConnectionSlots } from '../connection-limits.js';
import type { WsContext } from './connection.js';

export interface LifecycleDeps {
  verifier: TokenVerifier;
  clock: Clock;
  logger: Logger;
  connectionSlots: UserConnectionSlots;
  metrics: Pick<Metrics, 'connectionOpened' | 'connectionClosed'>;
}

export interface ConnectionLifecycle {
  /** graphql-ws's `onConnect`: false makes it close the socket with 4403 Forbidden before any operation. */
  connect(ctx: WsContext): Promise<boolean>;
  /** graphql-ws's `onClose`, after it has ended the socket's operations. */
  close(ctx: WsContext, code: number | undefined, reason: string | undefined): void;
}

/** A socket's `connection_init` (authentication, the user's connection slot) and its close. */
export const createConnectionLifecycle = ({ verifier, clock, logger, connectionSlots, metrics }: LifecycleDeps): ConnectionLifecycle => ({
  async connect(ctx) {
    const connection = ctx.extra;
    let principal: Principal;
    try {
      principal = await verifier.verifyCredential(ctx.connectionParams?.['authorization']);
    } catch {
      return false;
    }
    const release = connectionSlots.take(principal.userId);
    if (!release) {
      logger.info({ userId: principal.userId, closeCode: TOO_MANY_CONNECTIONS_CLOSE }, 'websocket refused: too many connections for the user');
      // graphql-ws then closes with 4403, a no-op on a socket that is already closing.
      connection.socket.close(TOO_MANY_CONNECTIONS_CLOSE, 'Too many connections for this user');
      return false;
    }
    // Closes the socket with 4403 when the token expires, unless refreshAuth replaced it first.
    const identity = new ConnectionIdentity(connection.socket, principal, verifier, clock);
    // Closed while the token was being checked: the slot goes back at once and the socket is not counted.
    if (!connection.admit({ identity, release, subscriptionIds: new Set(), protocol: ctx })) return false;
    metrics.connectionOpened('ws');
    logger.debug({ connectionId: connection.id, userId: principal.userId }, 'ws connected');
    return true;
  },
  close(ctx, code, reason) {
    const session = ctx.extra.close();
    const line = { connectionId: ctx.extra.id, userId: session?.identity.userId, code, reason };
    // Only sockets that were let in are counted (and worth an info line): refused ones are noise.
    if (!session) return logger.debug(line, 'ws closed');
    metrics.connectionClosed('ws');
    logger.info(line, 'ws closed');
  },
});
