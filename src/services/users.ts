import type { Engine, UserRecord } from '../engine/types.js';

export interface UserDirectory {
  /** Records the caller's display name; cheap when it has not changed. */
  remember(user: UserRecord): Promise<void>;
  /** Users in the order of `ids`; unknown ids get their id as name. */
  resolve(ids: readonly string[]): Promise<UserRecord[]>;
}

// Writes a name to the engine only when this process has not seen it yet, so that a burst of requests
// from one user costs one write. Bounded so that many distinct users cannot grow it without limit.
const MAX_REMEMBERED = 10_000;

export const createUserDirectory = (engine: Pick<Engine, 'users'>): UserDirectory => {
  const seen = new Map<string, string>();
  return {
    async remember(user) {
      if (seen.get(user.id) === user.name) return;
      await engine.users.remember(user);
      seen.delete(user.id);
      seen.set(user.id, user.name);
      if (seen.size > MAX_REMEMBERED) {
        const oldest = seen.keys().next();
        if (!oldest.done) seen.delete(oldest.value);
      }
    },
    async resolve(ids) {
      const known = await engine.users.getMany(ids);
      return ids.map((id) => known.get(id) ?? { id, name: id });
    },
  };
};
