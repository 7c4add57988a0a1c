import { ErrorCode, RoomcastError } from '../errors/index.js';
import { CloseCode } from '../protocol/index.js';

/**
 * Close code of a graphql-ws socket refused at `connection_init` because its user already holds
 * `MAX_CONNECTIONS_PER_USER` connections; clients retry it with backoff, since a slot frees when another
 * tab closes.
 */
export const TOO_MANY_CONNECTIONS_CLOSE = CloseCode.TooManyConnections;

export interface UserConnectionSlots {
  /** Takes one of the user's slots: its release (idempotent), or undefined when the user holds them all. */
  take(userId: string): (() => void) | undefined;
}

/**
 * Connections (graphql-ws sockets and SSE streams) per user, counted in this process: a user reaching
 * several instances through a load balancer may hold this many on each.
 */
export const createUserConnectionSlots = (maxPerUser: number): UserConnectionSlots => {
  const heldByUser = new Map<string, number>();
  return {
    take(userId) {
      const held = heldByUser.get(userId) ?? 0;
      if (held >= maxPerUser) return undefined;
      heldByUser.set(userId, held + 1);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const left = (heldByUser.get(userId) ?? 1) - 1;
        if (left > 0) heldByUser.set(userId, left);
        else heldByUser.delete(userId);
      };
    },
  };
};

export const tooManyConnections = (max: number): RoomcastError =>
  new RoomcastError(ErrorCode.LimitExceeded, `At most ${max} connections per user; close one first`, { limit: 'connectionsPerUser', max });

/**
 * Admits subscription `id` on a connection that runs the subscriptions in `held`, or returns the
 * `LIMIT_EXCEEDED` error to answer it with. `live` is graphql-ws's own record of the connection's running
 * operations: ids that left it have ended (completed by either side, or failed), so their slots are free
 * again without relying on a completion hook.
 */
export const admitSubscription = (
  held: Set<string>,
  live: Readonly<Record<string, unknown>>,
  id: string,
  max: number,
): RoomcastError | undefined => {
  for (const heldId of held) if (!(heldId in live)) held.delete(heldId);
  if (held.size >= max) {
    return new RoomcastError(ErrorCode.LimitExceeded, `At most ${max} subscriptions per connection; complete one first`, {
      limit: 'subscriptionsPerConnection',
      max,
    });
  }
  held.add(id);
  return undefined;
};
