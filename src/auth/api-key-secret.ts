import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every API key token starts with this, so that it is told from a JWT at a glance (and by secret scanners). */
export const API_KEY_PREFIX = 'rk_';

const ID_BYTES = 9;
const SECRET_BYTES = 32;
// `rk_<id>.<secret>`: both base64url, so the token needs no escaping in a header or a URL.
const TOKEN = /^rk_([A-Za-z0-9_-]{12})\.([A-Za-z0-9_-]{43})$/;

export interface MintedApiKey {
  readonly id: string;
  /** The whole bearer token, `rk_<id>.<secret>`: shown once, never stored. */
  readonly token: string;
  readonly secretHash: string;
}

export interface ApiKeyHasher {
  /** A new key id and secret, with the hash that is stored in place of the secret. */
  mint(): MintedApiKey;
  /** The key id and secret of a token, or undefined when it is not shaped like one. */
  parse(token: string): { id: string; secret: string } | undefined;
  /** Whether `secret` hashes to `secretHash`, compared in constant time. */
  matches(secret: string, secretHash: string): boolean;
}

/**
 * Secrets are stored as HMAC-SHA256 under a server-side key, not as plain hashes: a leaked table alone
 * cannot be checked against guesses. The key is API_KEY_HASH_SECRET, or one derived from JWT_SECRET with
 * HKDF (so it differs from the JWT key itself). The secrets are 256 random bits, so no slow hash is needed.
 */
export const createApiKeyHasher = (options: { hashSecret: string | undefined; jwtSecret: string }): ApiKeyHasher => {
  const key =
    options.hashSecret === undefined
      ? Buffer.from(hkdfSync('sha256', options.jwtSecret, 'roomcast', 'roomcast api key secret hash v1', 32))
      : Buffer.from(options.hashSecret, 'utf8');
  const hash = (secret: string): Buffer => createHmac('sha256', key).update(secret).digest();
  return {
    mint() {
      const id = randomBytes(ID_BYTES).toString('base64url');
      const secret = randomBytes(SECRET_BYTES).toString('base64url');
      return { id, token: `${API_KEY_PREFIX}${id}.${secret}`, secretHash: hash(secret).toString('hex') };
    },
    parse(token) {
      const match = TOKEN.exec(token);
      return match?.[1] && match[2] ? { id: match[1], secret: match[2] } : undefined;
    },
    matches(secret, secretHash) {
      const expected = Buffer.from(secretHash, 'hex');
      const actual = hash(secret);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
  };
};
