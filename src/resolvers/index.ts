import type { Resolvers } from '../generated/resolvers-types.js';
import { apiKeyResolvers } from './api-keys.js';
import { DateTimeScalar } from './date-time-scalar.js';
import { messageResolvers } from './messages.js';
import { presenceResolvers } from './presence.js';
import { roomResolvers } from './rooms.js';
import { subscriptionResolvers } from './subscriptions.js';
import { timerResolvers } from './timers.js';
import { viewerResolvers } from './viewer.js';
import { webhookResolvers } from './webhooks.js';

/** All resolver maps; createSchema merges them field by field. */
export const resolvers: Resolvers[] = [
  { DateTime: DateTimeScalar },
  viewerResolvers,
  roomResolvers,
  messageResolvers,
  subscriptionResolvers,
  timerResolvers,
  presenceResolvers,
  webhookResolvers,
  apiKeyResolvers,
];
