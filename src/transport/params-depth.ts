import { badInput, type RoomcastError } from '../errors/index.js';
import { nestsDeeperThan } from '../lib/nesting-depth.js';

/**
 * Refuses a request whose variables or extensions nest deeper than `maxDepth` (MAX_VARIABLES_DEPTH), before
 * anything walks them recursively: graphql-ws's grouping key and logs stringify them, and a body of 1 MB can
 * nest half a million levels, enough to overflow the stack. Checked on every request, variables used or not.
 */
export const paramsDepthRefusal = (
  params: { variables?: unknown; extensions?: unknown },
  maxDepth: number,
  details: Record<string, unknown> = {},
): RoomcastError | undefined => {
  for (const parameter of ['variables', 'extensions'] as const) {
    if (nestsDeeperThan(params[parameter], maxDepth)) return badInput(`\`${parameter}\` nests deeper than ${maxDepth} levels`, { parameter, maxDepth, ...details });
  }
  return undefined;
};
