import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { RateLimiter } from '../engine/types.js';
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
  logger: Logger;
}

/**
 * Checks a WebSocket upgrade before graphql-ws sees the socket: a browser page from an origin not in
 * `ALLOWED_ORIGINS` gets 403, an IP over its `RATE_LIMIT_CONNECTIONS` budget 429 with `Retry-After`.
 *
 * The IP is the TCP peer's address. Behind a proxy or load balancer that is the proxy's, so every client
 * shares one budget; X-Forwarded-For is deliberately not read (anyone can send it), so limit per client at
 * the proxy, or raise the budget there.
 */
export const createUpgradeGuard = ({ origins, attempts, logger }: UpgradeGuardDeps): VerifyUpgrade =>
  // Two declared parameters: that is how `ws` tells the asynchronous form from the synchronous one.
  (info, callback) => {
    const ip = info.req.socket.remoteAddress ?? 'unknown';
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
