import { randomBytes } from 'node:crypto';

/** A url-safe random id with 96 bits of entropy and a readable prefix (`room_…`). */
export const randomId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('base64url')}`;

/**
 * Ids for short-lived things made at a high rate (one per HTTP request): a random part drawn once per
 * process, then a counter, so they stay unique across instances without a random draw each.
 */
export const createIdSequence = (prefix: string): (() => string) => {
  const processPart = randomBytes(9).toString('base64url');
  let counter = 0;
  return () => `${prefix}_${processPart}${(counter++).toString(36)}`;
};
