import type { Clock } from '../lib/clock.js';
import type { Engine } from '../engine/types.js';
import { createMessageService, type MessageService } from './messages.js';
import { createPresenceService, type PresenceHolder, type PresenceService } from './presence/presence-service.js';
import { createReceiptService, type ReceiptService } from './presence/receipt-service.js';
import { createTypingService, type TypingService } from './presence/typing-service.js';
import { createRoomEventService, type RoomEventService } from './room-events.js';
import { createRoomService, type RoomService } from './rooms.js';
import { createTimerScheduler, type TimerScheduler } from './timers/timer-scheduler.js';
import { createTimerService, stateEvent, type TimerService } from './timers/timer-service.js';
import { openTimerStream, TIMER_EVENT_KINDS, type TimerStreamItem } from './timers/timer-stream.js';
import { createUserDirectory, type UserDirectory } from './users.js';
import { createWriteLimits } from './write-limits.js';
import { createMessageCursors } from './cursors.js';
import { createRetention, type RetentionLimits } from './retention.js';
import type { Config, WebhookConfig } from '../config/config.js';
import { createDeliveryWorker } from './webhooks/delivery-worker.js';
import { createSignedPoster } from './webhooks/signed-post.js';
import { createWebhookService, type WebhookService } from './webhooks/webhook-service.js';
import { resolveAll, type ResolveAll } from './webhooks/webhook-url.js';
import { createApiKeyHasher, type ApiKeyHasher } from '../auth/api-key-secret.js';
import { randomBytes } from 'node:crypto';
import { createApiKeyService, type ApiKeyService } from './partners/api-keys.js';
import { createKeyRevocations, type KeyRevocations } from './partners/api-keys-revocation.js';

export interface Services {
  users: UserDirectory;
  rooms: RoomService;
  messages: MessageService;
  roomEvents: RoomEventService;
  timers: TimerService;
  timerEvents: {
    /** `timerTicked` for a timer the viewer may see; undefined when there is none. */
    open(viewer: PresenceHolder, timerId: string): Promise<AsyncIterableIterator<TimerStreamItem> | undefined>;
  };
  presence: PresenceService;
  typing: TypingService;
  receipts: ReceiptService;
  webhooks: WebhookService;
  apiKeys: ApiKeyService;
  /** What this instance knows of API key revocations (the key streams ask it). */
  keyRevocations: KeyRevocations;
  /** Starts background work (the timer scheduler, retention, webhook deliveries). */
  start(): Promise<void>;
  /** Stops background work: timer scheduler, retention, grace and typing expiries of this process; resolves when idle. */
  stop(): Promise<void>;
}

/** The configured limits the services apply (a part of the config, so the two cannot drift). */
export type ServiceLimits = Pick<
  Config['limits'],
  'maxPageSize' | 'defaultPageSize' | 'maxSubscriptionBuffer' | 'presenceGraceMs' | 'typingTtlMs' | 'writeBudgets' | 'engineOutageMaxMs' | keyof RetentionLimits
>;

export interface ServiceDeps {
  engine: Engine;
  clock: Clock;
  limits: ServiceLimits;
  onError: (error: unknown) => void;
  onTimerEmit?: (idealAt: number, emittedAt: number) => void;
  /** Who may manage webhooks, and how they are delivered; none and the defaults when absent. */
  adminUserIds?: readonly string[];
  webhooks?: WebhookConfig;
  /** Name resolution for webhook URLs (a test may fake it). */
  resolve?: ResolveAll;
  /** API keys: how secrets are hashed, and who may manage keys. Absent: a per-process hash key, and no admins. */
  apiKeys?: { hasher: ApiKeyHasher; adminUserIds: readonly string[] };
}

const DEFAULT_WEBHOOKS: WebhookConfig = { retryBaseMs: 1_000, maxAttempts: 10, timeoutMs: 5_000, concurrency: 16, allowPrivateUrls: false };
// How often each instance reads the outbox when nothing woke it: deliveries queued by other instances,
// retries coming due, leases of dead instances running out.
const WEBHOOK_POLL_MS = 250;

/** Builds the domain services over one engine. */
export const createServices = ({
  engine,
  clock,
  limits,
  onError,
  onTimerEmit,
  adminUserIds = [],
  webhooks: webhookConfig = DEFAULT_WEBHOOKS,
  resolve = resolveAll,
  apiKeys,
}: ServiceDeps): Services => {
  const writes = createWriteLimits(engine, limits.writeBudgets);
  const cursors = createMessageCursors(engine.epoch);
  const rooms = createRoomService({ engine, clock, limits, writes });
  const presence = createPresenceService({ engine, clock, graceMs: limits.presenceGraceMs, onError });
  const roomEvents = createRoomEventService({ engine, rooms, cursors, presence, clock, limits });
  const retention = createRetention({ engine, clock, onError, limits });
  const timerScheduler: TimerScheduler = createTimerScheduler({ engine, clock, onError, ...(onTimerEmit ? { onEmit: onTimerEmit } : {}) });
  const timers = createTimerService({ engine, rooms, clock, writes, onScheduled: (dueAt) => timerScheduler.poke(dueAt) });
  const keyRevocations = createKeyRevocations({ keys: engine.apiKeys, clock, onError });
  const keyPolicy = apiKeys ?? { hasher: createApiKeyHasher({ hashSecret: randomBytes(32).toString('hex'), jwtSecret: '' }), adminUserIds: [] };
  const typing = createTypingService({ engine, rooms, clock, writes, ttlMs: limits.typingTtlMs, onError });
  const deliveries = createDeliveryWorker({
    engine,
    clock,
    options: { ...webhookConfig, pollMs: WEBHOOK_POLL_MS },
    poster: createSignedPoster({ timeoutMs: webhookConfig.timeoutMs, maxSockets: webhookConfig.concurrency, allowPrivate: webhookConfig.allowPrivateUrls }),
    resolve,
    cursorOf: (message) => cursors.encode(message.roomId, message.seq),
    onError,
  });
  return {
    users: createUserDirectory(engine),
    rooms,
    messages: createMessageService({ engine, rooms, cursors, clock, limits, writes, onWebhookDeliveries: () => deliveries.poke() }),
    roomEvents,
    timers,
    timerEvents: {
      async open(viewer, timerId) {
        const timer = await timers.find(viewer.userId, timerId);
        if (!timer) return undefined;
        // Narrowed on arrival: ticks of the room's other timers never wake this subscriber.
        const events = await roomEvents.open(viewer, timer.roomId, {
          kinds: TIMER_EVENT_KINDS,
          accepts: (event) => (event.kind === 'timer' || event.kind === 'timer-tick') && event.timer.id === timerId,
          // A tick or finish published while the bus was away is not lost: its state is in the store.
          resnapshot: async () => {
            const current = await engine.timers.get(timerId);
            return current ? [stateEvent(current, clock.now())] : [];
          },
        });
        return openTimerStream({ engine, clock, timer, events });
      },
    },
    presence,
    typing,
    receipts: createReceiptService({ engine, rooms, clock, writes }),
    webhooks: createWebhookService({ engine, clock, adminUserIds, allowPrivateUrls: webhookConfig.allowPrivateUrls, resolve }),
    apiKeys: createApiKeyService({ engine, hasher: keyPolicy.hasher, revocations: keyRevocations, clock, adminUserIds: keyPolicy.adminUserIds }),
    keyRevocations,
    async start() {
      retention.start();
      deliveries.start();
      await timerScheduler.start();
    },
    async stop() {
      presence.stop();
      typing.stop();
      await Promise.all([timerScheduler.stop(), retention.stop(), deliveries.stop()]);
    },
  };
};
