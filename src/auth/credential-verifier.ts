import type { TokenVerifier } from './jwt.js';
import { API_KEY_PREFIX } from './api-key-secret.js';
import type { ApiKeyVerifier } from './api-key-verifier.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * One verifier for both kinds of credential, so that every transport (HTTP, SSE, graphql-ws
 * `connectionParams`, `refreshAuth`) accepts API keys exactly where it accepts JWTs: `rk_…` is a key,
 * anything else a JWT.
 */
export const withApiKeys = (jwt: TokenVerifier, keys: ApiKeyVerifier): TokenVerifier => {
  const verify: TokenVerifier['verify'] = (token) => (token.startsWith(API_KEY_PREFIX) ? keys.verify(token) : jwt.verify(token));
  return {
    verify,
    verifyAuthorization(header) {
      const token = header ? BEARER.exec(header)?.[1] : undefined;
      return token?.startsWith(API_KEY_PREFIX) ? keys.verify(token) : jwt.verifyAuthorization(header);
    },
    verifyCredential: (value) => {
      const token = typeof value === 'string' ? value.replace(/^Bearer\s+/i, '') : '';
      return token.startsWith(API_KEY_PREFIX) ? keys.verify(token) : jwt.verifyCredential(value);
    },
  };
};
