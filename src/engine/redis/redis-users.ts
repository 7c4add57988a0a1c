import type { Redis } from 'ioredis';
import type { UserStore } from '../types.js';
import type { Keys } from './keys.js';

export const createRedisUserStore = (redis: Redis, keys: Keys): UserStore => ({
  async remember(user) {
    await redis.set(keys.user(user.id), user.name);
  },
  async getMany(ids) {
    // One GET per user in a pipeline rather than MGET: users live in different Cluster slots.
    const pipeline = redis.pipeline();
    for (const id of ids) pipeline.get(keys.user(id));
    const results = (await pipeline.exec()) ?? [];
    const found = new Map<string, { id: string; name: string }>();
    ids.forEach((id, index) => {
      const name = results[index]?.[1];
      if (typeof name === 'string') found.set(id, { id, name });
    });
    return found;
  },
});
