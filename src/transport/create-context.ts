import type { Principal } from '../auth/principal.js';
import type { TokenVerifier } from '../auth/jwt.js';
import type { Clock } from '../lib/clock.js';
import { createIdSequence } from '../lib/random-id.js';
import type { Context } from '../resolvers/context.js';
import type { Services } from '../services/index.js';

/**
 * The initial context yoga hands to the context factory: HTTP and SSE carry the `request`; graphql-ws
 * operations carry the `principal` proven once at `connection_init`.
 */
export interface InitialContext {
  request: Request;
  principal?: Principal;
  /** Set for graphql-ws operations: every operation of one socket shares it. */
  connectionId?: string;
}

export const createContextFactory = (deps: { verifier: TokenVerifier; services: Services; clock: Clock }) => {
  const nextHttpConnectionId = createIdSequence('http');
  return async (initial: InitialContext): Promise<Context> => {
    const principal =
      initial.principal ?? (await deps.verifier.verifyAuthorization(initial.request.headers.get('authorization')));
    await deps.services.users.remember({ id: principal.userId, name: principal.name });
    return {
      principal,
      connectionId: initial.connectionId ?? nextHttpConnectionId(),
      services: deps.services,
      clock: deps.clock,
    };
  };
};
