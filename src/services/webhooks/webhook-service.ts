import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Engine, WebhookDeliveryRecord, WebhookDeliveryStatus, WebhookEndpointRecord } from '../../engine/types.js';
import { notFound } from '../../errors/index.js';
import { createAdminCheck } from '../admins.js';
import type { Clock } from '../../lib/clock.js';
import { randomId } from '../../lib/random-id.js';
import { zodToBadInput } from '../zod-to-bad-input.js';
import { parseWebhookUrl, refusalOf, type ResolveAll } from './webhook-url.js';

export const MAX_WEBHOOK_ROOMS = 1_000;
export const MAX_WEBHOOK_URL_LENGTH = 2_048;
const MAX_DELIVERIES_PAGE = 100;

const CreateWebhookInput = z.object({
  url: z.string().trim().min(1).max(MAX_WEBHOOK_URL_LENGTH),
  roomIds: z.array(z.string().min(1).max(200)).min(1, 'roomIds must name at least one room').max(MAX_WEBHOOK_ROOMS),
});

/** What a webhook shows: never its secret, which only createWebhook's answer carries. */
export type WebhookView = Omit<WebhookEndpointRecord, 'secret'>;

export interface WebhookService {
  list(callerId: string): Promise<WebhookView[]>;
  create(callerId: string, input: z.input<typeof CreateWebhookInput>): Promise<{ webhook: WebhookView; secret: string }>;
  delete(callerId: string, webhookId: string): Promise<WebhookView>;
  /** Deliveries still pending, or failed for good (what an admin reads to see what a partner missed). */
  deliveries(callerId: string, webhookId: string, status: WebhookDeliveryStatus, first: number | null | undefined): Promise<WebhookDeliveryRecord[]>;
}

export interface WebhookServiceDeps {
  engine: Pick<Engine, 'webhooks' | 'rooms'>;
  clock: Clock;
  adminUserIds: readonly string[];
  allowPrivateUrls: boolean;
  resolve: ResolveAll;
}

const view = ({ secret: _secret, ...endpoint }: WebhookEndpointRecord): WebhookView => endpoint;

/** Standard Webhooks secrets are `whsec_` + base64 of 24 to 64 random bytes. */
const newSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

export const createWebhookService = ({ engine, clock, adminUserIds, allowPrivateUrls, resolve }: WebhookServiceDeps): WebhookService => {
  const onlyAdmins = createAdminCheck(adminUserIds);
  const requireAdmin = (callerId: string) => onlyAdmins(callerId, 'webhooks');
  return {
    async list(callerId) {
      requireAdmin(callerId);
      return (await engine.webhooks.listEndpoints()).map(view);
    },
    async create(callerId, rawInput) {
      requireAdmin(callerId);
      const input = zodToBadInput(CreateWebhookInput, rawInput);
      const url = parseWebhookUrl(input.url);
      if (!allowPrivateUrls) {
        const refusal = await refusalOf(url, resolve);
        if (refusal) throw refusal;
      }
      const roomIds = [...new Set(input.roomIds)];
      for (const roomId of roomIds) {
        if (!(await engine.rooms.get(roomId))) throw notFound(`Room ${roomId}`);
      }
      const secret = newSecret();
      const endpoint = await engine.webhooks.createEndpoint({ id: randomId('wh'), url: url.href, roomIds, secret, createdAt: clock.now() });
      return { webhook: view(endpoint), secret };
    },
    async delete(callerId, webhookId) {
      requireAdmin(callerId);
      const deleted = await engine.webhooks.deleteEndpoint(webhookId);
      if (!deleted) throw notFound('Webhook');
      return view(deleted);
    },
    async deliveries(callerId, webhookId, status, first) {
      requireAdmin(callerId);
      const limit = Math.min(Math.max(first ?? MAX_DELIVERIES_PAGE, 1), MAX_DELIVERIES_PAGE);
      return engine.webhooks.deliveries(webhookId, status, limit);
    },
  };
};
