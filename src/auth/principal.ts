import type { ApiScope } from '../engine/types.js';

interface PrincipalBase {
  /** The id the caller acts as: a user's `sub`, or `key:<id>` for an API key (what `viewer.id` shows). */
  readonly userId: string;
  readonly name: string;
  /** Token expiry in epoch ms; long-lived sockets are closed when it passes. Keys do not expire (they are revoked). */
  readonly expiresAt: number | undefined;
}

/** A person, proven by a JWT. */
export interface UserPrincipal extends PrincipalBase {
  // Optional: a principal without `kind` is a user (principals were users only before keys existed).
  readonly kind?: 'user';
}

/** A partner integration, proven by an API key (`rk_…`): read-only, limited to its scopes and its rooms. */
export interface KeyPrincipal extends PrincipalBase {
  readonly kind: 'key';
  readonly keyId: string;
  readonly scopes: ReadonlySet<ApiScope>;
  /** The grant: the rooms this key sees, private ones included, and no others. */
  readonly roomIds: ReadonlySet<string>;
  readonly expiresAt: undefined;
}

/** Who is calling, as proven by a verified token or key. */
export type Principal = UserPrincipal | KeyPrincipal;

/** The id a key principal acts as; JWT subjects with this prefix are refused (jwt.ts), so none can pose as a key. */
export const KEY_PRINCIPAL_PREFIX = 'key:';
export const keyPrincipalId = (keyId: string): string => `${KEY_PRINCIPAL_PREFIX}${keyId}`;
