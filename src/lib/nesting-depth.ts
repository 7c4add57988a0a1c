/**
 * Whether `value` (parsed JSON) nests objects and arrays more than `maxDepth` levels deep: a primitive is 0
 * deep, `{}` and `[]` are 1, `{ a: [1] }` is 2. It walks with a stack of its own, not recursion, so it can
 * be asked about any value JSON.parse returns (which has no depth limit of its own, where JSON.stringify
 * and graphql-js recurse and overflow the call stack); it stops at the first branch that is too deep.
 */
export const nestsDeeperThan = (value: unknown, maxDepth: number): boolean => {
  const pending: { value: object; depth: number }[] = [];
  if (typeof value === 'object' && value !== null) pending.push({ value, depth: 1 });
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.depth > maxDepth) return true;
    // Object.values is typed any[]; unknown is what it holds.
    for (const child of Object.values(next.value) as unknown[]) {
      if (typeof child === 'object' && child !== null) pending.push({ value: child, depth: next.depth + 1 });
    }
  }
  return false;
};
