import type { Engine, MessageRecord, WebhookClaim } from '../../engine/types.js';
import type { Clock } from '../../lib/clock.js';
import { retryDelayMs } from './retry-delay.js';
import type { SignedPoster } from './signed-post.js';
import { messageCreatedPayload } from './webhook-payload.js';
import { refusalOf, type ResolveAll } from './webhook-url.js';

export interface DeliveryWorkerOptions {
  retryBaseMs: number;
  maxAttempts: number;
  timeoutMs: number;
  concurrency: number;
  allowPrivateUrls: boolean;
  /** How often the outbox is read when nothing woke the worker (deliveries queued elsewhere, retries due). */
  pollMs: number;
}

export interface DeliveryWorker {
  start(): void;
  /** Something may be claimable now (a message was sent here, or a delivery finished). */
  poke(): void;
  /** Claims nothing more; resolves when the attempts in flight have settled. */
  stop(): Promise<void>;
}

export interface DeliveryWorkerDeps {
  engine: Pick<Engine, 'webhooks' | 'messages'>;
  clock: Clock;
  options: DeliveryWorkerOptions;
  poster: SignedPoster;
  resolve: ResolveAll;
  cursorOf: (message: MessageRecord) => string;
  onError: (error: unknown) => void;
  random?: () => number;
}

/**
 * One per instance. Claims due deliveries from the outbox (WebhookStore.claim: one instance per delivery,
 * one room per endpoint in seq order), POSTs each, and records the outcome: delivered, retried later with
 * exponential backoff and jitter, or FAILED after the last attempt. A claim's lease outlasts its attempt,
 * so a delivery whose instance died is claimed again once the lease runs out.
 */
export const createDeliveryWorker = ({ engine, clock, options, poster, resolve, cursorOf, onError, random = Math.random }: DeliveryWorkerDeps): DeliveryWorker => {
  // Longer than anything one attempt can take (the address check and the request are each bounded by
  // the timeout), so a live instance never loses its claim mid-attempt.
  const leaseMs = options.timeoutMs * 3 + 1_000;
  const inFlight = new Set<Promise<void>>();
  let started = false;
  let stopped = false;
  let claiming = false;
  let again = false;
  let cancelTimer: (() => void) | undefined;

  const schedule = (ms: number) => {
    cancelTimer?.();
    cancelTimer = stopped ? undefined : clock.setTimeout(() => void tick(), ms);
  };

  const attempt = async (claim: WebhookClaim): Promise<void> => {
    const { delivery } = claim;
    const [message] = await engine.messages.range(delivery.roomId, delivery.seq, delivery.seq);
    if (!message) {
      await engine.webhooks.failed(delivery, 'the message is no longer kept (history retention)');
      return;
    }
    let outcome: { ok: true } | { ok: false; error: string };
    // Checked at every attempt: DNS may have changed since createWebhook. The request then connects only
    // to an address its own lookup checked again (signed-post.ts), so a change in between is caught too.
    const refusal = options.allowPrivateUrls ? undefined : await refusalOf(new URL(claim.url), resolve);
    if (refusal) {
      outcome = { ok: false, error: refusal.message };
    } else {
      outcome = await poster.post({
        url: claim.url,
        secret: claim.secret,
        webhookId: delivery.id,
        timestampMs: clock.now(),
        payload: messageCreatedPayload(message, cursorOf(message)),
      });
    }
    if (outcome.ok) await engine.webhooks.delivered(delivery);
    else if (delivery.attempts >= options.maxAttempts) await engine.webhooks.failed(delivery, outcome.error);
    else await engine.webhooks.retryLater(delivery, clock.now() + retryDelayMs(delivery.attempts, options.retryBaseMs, random), outcome.error);
  };

  const tick = async (): Promise<void> => {
    if (stopped) return;
    if (claiming) {
      again = true;
      return;
    }
    claiming = true;
    let full = false;
    try {
      const free = options.concurrency - inFlight.size;
      if (free > 0) {
        const claims = await engine.webhooks.claim(clock.now(), leaseMs, free);
        full = claims.length === free;
        for (const claim of claims) {
          const running: Promise<void> = attempt(claim)
            .catch(onError)
            .finally(() => {
              inFlight.delete(running);
              // The next message of that room may be claimable now.
              if (!stopped) schedule(0);
            });
          inFlight.add(running);
        }
      }
    } catch (error) {
      onError(error);
    } finally {
      claiming = false;
    }
    if (stopped) return;
    const soon = again || (full && inFlight.size < options.concurrency);
    again = false;
    schedule(soon ? 0 : options.pollMs);
  };

  return {
    start() {
      if (started) return;
      started = true;
      schedule(0);
    },
    poke() {
      if (started && !stopped) schedule(0);
    },
    async stop() {
      stopped = true;
      cancelTimer?.();
      await Promise.allSettled([...inFlight]);
      poster.close();
    },
  };
};
