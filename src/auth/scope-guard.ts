import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { ApiScope, RateLimiter } from '../engine/types.js';
import { ErrorCode, RoomcastError, forbidden } from '../errors/index.js';
import type { KeyPrincipal, Principal } from './principal.js';

/** Fields only the deployment's admins may use (keys and webhooks); absent fields are simply not there. */
const ADMIN_FIELDS: Readonly<Record<string, ReadonlySet<string>>> = {
  Query: new Set(['apiKeys', 'webhooks']),
  Mutation: new Set(['createApiKey', 'revokeApiKey', 'createWebhook', 'deleteWebhook']),
};

/** What a key may run, by root type, and the scope each needs. Everything else is FORBIDDEN to a key. */
const KEY_FIELDS: Readonly<Record<string, { scope: ApiScope; fields: ReadonlySet<string> }>> = {
  Query: { scope: 'HISTORY_READ', fields: new Set(['room', 'rooms', 'messages', 'serverTime', 'viewer']) },
  // The room subscriptions; each names its room, and the room must be in the key's grant (services/rooms.ts).
  Subscription: { scope: 'EVENTS_SUBSCRIBE', fields: new Set(['messageAdded', 'roomEvents', 'typing', 'presence']) },
};

type GuardContext = { principal: Principal };

export interface ScopeGuardDeps {
  adminUserIds: readonly string[];
  /** Reads by API keys, per key: once per operation (query or subscription start). */
  keyReads: RateLimiter;
  /** Wraps a key's subscription stream so that it ends when the key is revoked. */
  guardKeyStream: (principal: KeyPrincipal, stream: AsyncIterable<unknown>) => AsyncIterable<unknown>;
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/**
 * Who may run which root field, decided once, in the schema itself: HTTP, SSE and graphql-ws all execute
 * this schema, so no transport can skip it. Admin fields need an ADMIN_USER_IDS user; an API key runs only
 * the fields its scopes allow (never a mutation, so a key changes nothing), and its reads are rate limited
 * per key. Which rooms a key sees is the services' visibility rule (its grant), as for users.
 */
export const guardSchema = (schema: GraphQLSchema, deps: ScopeGuardDeps): GraphQLSchema => {
  const admins = new Set(deps.adminUserIds);
  // One charge per operation, shared by its root fields (a refusal refuses them all). Keyed by the
  // context object, which is built per HTTP request, SSE stream or graphql-ws operation.
  const charged = new WeakMap<object, Promise<void>>();
  const charge = (context: object, principal: KeyPrincipal): Promise<void> => {
    let charging = charged.get(context);
    if (!charging) {
      charging = deps.keyReads.consume(principal.keyId).then((verdict) => {
        if (!verdict.allowed) {
          throw new RoomcastError(ErrorCode.RateLimited, `Too many reads with this API key; retry in ${verdict.retryAfterMs} ms`, {
            retryAfterMs: verdict.retryAfterMs,
            limit: 'keyReads',
          });
        }
      });
      charged.set(context, charging);
    }
    return charging;
  };
  const check = async (typeName: string, fieldName: string, context: GuardContext): Promise<KeyPrincipal | undefined> => {
    const { principal } = context;
    if (ADMIN_FIELDS[typeName]?.has(fieldName) && (principal.kind === 'key' || !admins.has(principal.userId))) {
      throw forbidden('Only the deployment’s admins (ADMIN_USER_IDS) may do this');
    }
    if (principal.kind !== 'key') return undefined;
    const allowed = KEY_FIELDS[typeName];
    if (!allowed?.fields.has(fieldName)) throw forbidden(`An API key cannot use \`${fieldName}\``);
    if (!principal.scopes.has(allowed.scope)) throw forbidden(`\`${fieldName}\` needs an API key with the ${allowed.scope} scope`);
    await charge(context, principal);
    return principal;
  };
  const roots = new Set(['Query', 'Mutation', 'Subscription'].filter((name) => schema.getType(name)));
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      if (!roots.has(typeName)) return field;
      const resolve: GraphQLFieldResolver<unknown, GuardContext> = field.resolve ?? defaultFieldResolver;
      if (typeName !== 'Subscription') {
        return {
          ...field,
          resolve: async (source, args, context, info) => {
            await check(typeName, fieldName, context);
            return resolve(source, args, context, info);
          },
        };
      }
      const subscribe = field.subscribe;
      if (!subscribe) return field;
      return {
        ...field,
        subscribe: async (source, args, context: GuardContext, info) => {
          const key = await check(typeName, fieldName, context);
          const stream: unknown = await subscribe(source, args, context, info);
          return key && isAsyncIterable(stream) ? deps.guardKeyStream(key, stream) : stream;
        },
      };
    },
  });
};
