import { randomBytes } from 'node:crypto';

/** A url-safe random id with 96 bits of entropy and a readable prefix (`room_…`). */
export const randomId = (prefix: string): string => `${prefix}_${randomBytes(12).toString('base64url')}`;
