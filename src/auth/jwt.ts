import { webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { z } from 'zod';
import { ErrorCode, RoomcastError } from '../errors/index.js';
import { isCleanKey, isCleanText } from '../lib/clean-text.js';
import { KEY_PRINCIPAL_PREFIX, type Principal } from './principal.js';

const MAX_USER_ID_LENGTH = 128;
const MAX_NAME_LENGTH = 100;
// Rejects tokens whose payload cannot be a Roomcast identity even when the signature is good. The claims
// are stored (user records, presence, authors) and joined into keys, so they are held to the rule of
// every client string: clean text, and the id free of control characters.
const Claims = z.object({
  // `key:` is how API keys appear (viewer.id, presence, limits): a user with such an id could pass for one.
  sub: z.string().min(1).max(MAX_USER_ID_LENGTH).refine(isCleanKey).refine((sub) => !sub.startsWith(KEY_PRINCIPAL_PREFIX)),
  name: z.string().trim().min(1).max(MAX_NAME_LENGTH).refine(isCleanText).optional(),
  exp: z.number().optional(),
});

export interface TokenVerifier {
  /** Resolves to the principal, or throws `RoomcastError(UNAUTHENTICATED)`. */
  verify(token: string): Promise<Principal>;
  /** Same, for an `Authorization` value (`Bearer <jwt>`), possibly missing. */
  verifyAuthorization(header: string | null | undefined): Promise<Principal>;
  /** Same, for a token handed over with or without `Bearer ` (graphql-ws `connectionParams`, `refreshAuth`). */
  verifyCredential(value: unknown): Promise<Principal>;
}

const unauthenticated = (message: string): RoomcastError => new RoomcastError(ErrorCode.Unauthenticated, message);

// Verified tokens, by their exact text, until they expire: a client sends the same bearer token with
// every request, and an HMAC check through WebCrypto costs more than serving a small request.
const VERIFIED_CACHE_SIZE = 10_000;

export const createTokenVerifier = (secret: string, now: () => number = Date.now): TokenVerifier => {
  const verified = new Map<string, Principal>();
  // A CryptoKey imported once: given raw bytes (or a KeyObject), jose would import it again on every
  // verification, which costs more than the HMAC itself.
  const key = webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const remember = (token: string, principal: Principal) => {
    verified.set(token, principal);
    if (verified.size > VERIFIED_CACHE_SIZE) {
      const oldest = verified.keys().next();
      if (!oldest.done) verified.delete(oldest.value);
    }
  };
  const verify = async (token: string): Promise<Principal> => {
    const known = verified.get(token);
    if (known && (known.expiresAt === undefined || known.expiresAt > now())) return known;
    if (known) verified.delete(token);
    try {
      const { payload } = await jwtVerify(token, await key, {
        algorithms: ['HS256'],
        currentDate: new Date(now()),
      });
      const claims = Claims.safeParse(payload);
      if (!claims.success) throw unauthenticated('Token claims are invalid: `sub` (1…128 chars, no control characters, not starting with `key:`) is required; `sub` and `name` must be well-formed Unicode');
      const { sub, name, exp } = claims.data;
      const principal: Principal = { kind: 'user', userId: sub, name: name ?? sub, expiresAt: exp === undefined ? undefined : exp * 1000 };
      remember(token, principal);
      return principal;
    } catch (error) {
      if (error instanceof RoomcastError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw unauthenticated('Token has expired');
      throw unauthenticated('Token is invalid');
    }
  };
  return {
    verify,
    async verifyAuthorization(header) {
      if (!header) throw unauthenticated('Missing `Authorization: Bearer <token>`');
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match?.[1]) throw unauthenticated('Authorization must be `Bearer <token>`');
      return verify(match[1]);
    },
    verifyCredential: (value) => verify(typeof value === 'string' ? value.replace(/^Bearer\s+/i, '') : ''),
  };
};

export interface SignTokenOptions {
  secret: string;
  userId: string;
  name?: string | undefined;
  /** Lifetime in seconds; default one day. Negative values mint an already expired token (tests). */
  expiresInSec?: number;
  nowMs?: number;
}

/** Mints an HS256 token, for the dev `npm run token` script and for tests. */
export const signToken = async (options: SignTokenOptions): Promise<string> => {
  const issuedAtSec = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const claims = options.name === undefined ? {} : { name: options.name };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.userId)
    .setIssuedAt(issuedAtSec)
    .setExpirationTime(issuedAtSec + (options.expiresInSec ?? 24 * 3600))
    .sign(new TextEncoder().encode(options.secret));
};
