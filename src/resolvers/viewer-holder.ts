import type { Principal } from '../auth/principal.js';
import type { Actor } from '../services/actor.js';
import type { StreamViewer } from '../services/room-events.js';
import type { Viewer } from '../services/viewer.js';
import type { Context } from './context.js';

/** Whose view of rooms a read takes: a user's, or an API key's grant (exactly its rooms). */
export const viewerOf = (principal: Principal): Viewer =>
  principal.kind === 'key' ? { viewerId: principal.userId, roomIds: principal.roomIds } : principal.userId;

/** The caller as a stream counts them: who, by which name, through which connection (and a key's grant). */
export const holderOf = ({ principal, connectionId }: Context): StreamViewer => ({
  userId: principal.userId,
  userName: principal.name,
  connectionId,
  ...(principal.kind === 'key' ? { grant: { viewerId: principal.userId, roomIds: principal.roomIds } } : {}),
});

/** The caller as the author of a write. */
export const actorOf = ({ principal }: Pick<Context, 'principal'>): Actor => ({ userId: principal.userId, name: principal.name });
