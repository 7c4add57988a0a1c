import type { UserRecord, UserStore } from '../types.js';

export const createMemoryUserStore = (): UserStore => {
  const users = new Map<string, UserRecord>();
  return {
    async remember(user) {
      users.set(user.id, Object.freeze({ ...user }));
    },
    async getMany(ids) {
      const found = new Map<string, UserRecord>();
      for (const id of ids) {
        const user = users.get(id);
        if (user) found.set(id, user);
      }
      return found;
    },
  };
};
