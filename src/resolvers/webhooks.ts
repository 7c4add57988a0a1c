import type { Resolvers } from '../generated/resolvers-types.js';

export const webhookResolvers: Resolvers = {
  Query: {
    webhooks: (_parent, _args, { principal, services }) => services.webhooks.list(principal.userId),
  },
  Mutation: {
    createWebhook: (_parent, { input }, { principal, services }) => services.webhooks.create(principal.userId, input),
    deleteWebhook: (_parent, { id }, { principal, services }) => services.webhooks.delete(principal.userId, id),
  },
  Webhook: {
    deliveries: (webhook, { status, first }, { principal, services }) => services.webhooks.deliveries(principal.userId, webhook.id, status, first),
  },
};
