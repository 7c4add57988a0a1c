import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { isPublicAddress } from './address-policy.js';

export interface SignedRequest {
  readonly url: string;
  readonly secret: string;
  /** The webhook-id header. */
  readonly webhookId: string;
  readonly timestampMs: number;
  readonly payload: string;
}

export type PostOutcome = { ok: true } | { ok: false; error: string };

export interface SignedPoster {
  post(request: SignedRequest): Promise<PostOutcome>;
  close(): void;
}

// Node's connect resolves names through this (so the address it checks is the one it connects to),
// and refuses with an error when any of them is not public: DNS may have changed since the last check.
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((entry) => !isPublicAddress(entry.address));
    if (refused || addresses.length === 0) {
      const refusal = Object.assign(new Error(`${hostname} resolves to ${refused?.address ?? 'nothing'}, which webhooks may not reach`), { code: 'EWEBHOOKADDRESS' });
      return callback(refusal, '', 0);
    }
    // `all` is what the caller asked for (Node 20's happy eyeballs asks for every address).
    if ((options as LookupOptions).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses); // the shape `all` promises
    const first = addresses[0] as LookupAddress; // non-empty, checked above
    return callback(null, first.address, first.family);
  });
};

/**
 * POSTs payloads signed per the Standard Webhooks specification (the `standardwebhooks` library makes
 * `webhook-signature`). Keeps connections alive per origin; a non-2xx answer, a network error or the
 * timeout is a failure. Redirects are not followed (a 3xx is a failure): a redirect could point anywhere.
 */
export const createSignedPoster = (options: { timeoutMs: number; maxSockets: number; allowPrivate: boolean }): SignedPoster => {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  return {
    post(request) {
      const url = new URL(request.url);
      const signature = new Webhook(request.secret).sign(request.webhookId, new Date(request.timestampMs), request.payload);
      const body = Buffer.from(request.payload, 'utf8');
      const isHttps = url.protocol === 'https:';
      return new Promise<PostOutcome>((resolve) => {
        const req = (isHttps ? https : http).request(
          url,
          {
            method: 'POST',
            agent: isHttps ? agents.https : agents.http,
            signal: AbortSignal.timeout(options.timeoutMs),
            ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
            headers: {
              'content-type': 'application/json',
              'content-length': String(body.length),
              'user-agent': 'roomcast-webhooks',
              'webhook-id': request.webhookId,
              'webhook-timestamp': String(Math.floor(request.timestampMs / 1_000)),
              'webhook-signature': signature,
            },
          },
          (response) => {
            const status = response.statusCode ?? 0;
            // Drained, so that the connection can be reused; the answer's body means nothing to us.
            response.resume();
            response.once('end', () => resolve(status >= 200 && status < 300 ? { ok: true } : { ok: false, error: `HTTP ${status}` }));
            response.once('error', (error) => resolve({ ok: false, error: error.message }));
          },
        );
        req.once('error', (error) => {
          const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError';
          resolve({ ok: false, error: timedOut ? `no answer within ${options.timeoutMs} ms` : error.message });
        });
        req.end(body);
      });
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
};
