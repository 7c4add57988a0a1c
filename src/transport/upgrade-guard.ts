import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { RateLimiter } from '../engine/types.js';
import type { ClientAddressOf } from './client-address.js';
import type { OriginPolicy } from './origin-policy.js';

/** `ws`'s asynchronous `verifyClient`: answers before the WebSocket is accepted. */
export type VerifyUpgrade = (
  info: { origin: string | undefined; req: IncomingMessage },
  callback: (accept: boolean, status?: number, message?: string, headers?: OutgoingHttpHeaders) => void,
) => void;

export interface UpgradeGuardDeps {
  origins: OriginPolicy;
  /** Connection attempts per client IP, shared by every instance on the engine. */
  attempts: RateLimiter;
  /** The client's address: the TCP peer, or behind TRUST_PROXY the last untrusted X-Forwarded-For hop. */
  clientAddress: ClientAddressOf;
  logger: Logger;
}

/**
 * Checks a WebSocket upgrade before graphql-ws sees the socket: a browser page from an origin not in
 * `ALLOWED_ORIGINS` gets 403, an IP over its `RATE_LIMIT_CONNECTIONS` budget 429 with `Retry-After`.
 *
 * The IP is the client's address (client-address.ts): behind a proxy that is not named in TRUST_PROXY it
 * is the proxy's, and every client behind it shares one budget.
 */
export const createUpgradeGuard = ({ origins, attempts, clientAddress, logger }: UpgradeGuardDeps): VerifyUpgrade =>
  // Two declared parameters: that is how `ws` tells the asynchronous form from the synchronous one.
  (info, callback) => {
    const ip = clientAddress(info.req);
    if (!origins.allows(info.origin)) {
      logger.debug({ ip, origin: info.origin }, 'websocket refused: origin not allowed');
      callback(false, 403, 'Origin not allowed');
      return;
    }
    attempts.consume(ip).then(
      (verdict) => {
        if (verdict.allowed) return callback(true);
        logger.debug({ ip, retryAfterMs: verdict.retryAfterMs }, 'websocket refused: too many connection attempts');
        callback(false, 429, 'Too many connection attempts', { 'Retry-After': String(Math.ceil(verdict.retryAfterMs / 1000)) });
      },
      (error: unknown) => {
        // Only the shared store failing lands here (Redis down). A socket stays useful meanwhile, since
        // subscriptions resume once the store is back, so attempts go unlimited rather than all refused.
        logger.warn({ err: error, ip }, 'connection attempt limit unavailable: accepting the upgrade');
        callback(true);
      },
    );
  };
