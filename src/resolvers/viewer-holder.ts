import type { Actor } from '../services/actor.js';
import type { PresenceHolder } from '../services/presence/presence-service.js';
import type { Context } from './context.js';

/** The caller as presence counts them: who, by which name, through which connection. */
export const holderOf = ({ principal, connectionId }: Context): PresenceHolder => ({
  userId: principal.userId,
  userName: principal.name,
  connectionId,
});

/** The caller as the author of a write. */
export const actorOf = ({ principal }: Pick<Context, 'principal'>): Actor => ({ userId: principal.userId, name: principal.name });
