import { authorizationOf } from '../auth/access-token.js';
import type { Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/jwt.js';
import { ErrorCode, RoomcastError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { createIdSequence } from '../lib/random-id.js';
import type { ConnectionAuth, Context } from '../resolvers/context.js';
import type { Services } from '../services/index.js';

/**
 * The initial context yoga hands to the context factory: HTTP and SSE carry the `request`; graphql-ws
 * operations carry the socket's current `principal` (proven at `connection_init`, replaced by `refreshAuth`).
 */
export interface InitialContext {
  request: Request;
  principal?: Principal;
  /** Set for graphql-ws operations: every operation of one socket shares it. */
  connectionId?: string;
  /** Set for graphql-ws operations: the socket's identity, which `refreshAuth` replaces. */
  connection?: ConnectionAuth;
}

// An HTTP request or SSE stream proves its token on its own; nothing outlives it to be refreshed.
const requestScoped: ConnectionAuth = {
  refresh: () =>
    Promise.reject(
      new RoomcastError(
        ErrorCode.BadUserInput,
        'refreshAuth applies to graphql-ws connections only; over HTTP and SSE send the new token in the Authorization header of the next request',
      ),
    ),
};

export const createContextFactory = (deps: { verifier: TokenVerifier; services: Services; clock: Clock }) => {
  const nextHttpConnectionId = createIdSequence('http');
  return async (initial: InitialContext): Promise<Context> => {
    const principal = initial.principal ?? (await deps.verifier.verifyAuthorization(authorizationOf(initial.request)));
    // A key is not a user: it has no directory entry (and never writes).
    if (principal.kind !== 'key') await deps.services.users.remember({ id: principal.userId, name: principal.name });
    return {
      principal,
      connectionId: initial.connectionId ?? nextHttpConnectionId(),
      connection: initial.connection ?? requestScoped,
      services: deps.services,
      clock: deps.clock,
    };
  };
};
