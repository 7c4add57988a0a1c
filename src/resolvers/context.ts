import type { Principal } from '../auth/principal.js';
import type { Clock } from '../lib/clock.js';
import type { Services } from '../services/index.js';

/** What every resolver sees. Built once per HTTP request, SSE stream or graphql-ws operation. */
export interface Context {
  readonly principal: Principal;
  /** The graphql-ws socket, or this one HTTP/SSE request: what presence counts a user online through. */
  readonly connectionId: string;
  readonly services: Services;
  readonly clock: Clock;
}
