import type { Redis } from 'ioredis';

export type Script = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/**
 * Registers a Lua script with ioredis (EVALSHA, falling back to EVAL once) and returns it as a function.
 * Each script touches the keys of one room only, so it is one atomic step and Cluster-safe.
 */
export const defineScript = (redis: Redis, name: string, lua: string, numberOfKeys: number): Script => {
  // numberOfKeys -1: the number of keys varies per call and is passed first.
  redis.defineCommand(name, numberOfKeys < 0 ? { lua } : { lua, numberOfKeys });
  // defineCommand adds a method of that name; ioredis cannot type it.
  const command = (redis as unknown as Record<string, (...args: (string | number)[]) => Promise<unknown>>)[name];
  if (!command) throw new Error(`script ${name} was not registered`);
  return numberOfKeys < 0 ? (keys, args) => command.call(redis, keys.length, ...keys, ...args) : (keys, args) => command.call(redis, ...keys, ...args);
};
