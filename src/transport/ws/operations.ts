import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { OperationResult, SubscribePayload } from 'graphql-ws';
import { broadcastKey, type BroadcastGroups } from '../broadcast/broadcast-groups.js';
import { ErrorCode } from '../../errors/index.js';
import { operationInfo } from '../../observability/operation-info.js';
import type { Context } from '../../resolvers/context.js';
import { admitSubscription } from '../connection-limits.js';
import type { InitialContext } from '../create-context.js';
import { subscribeDirect, type SubscriptionMeter } from '../direct-subscriptions.js';
import { paramsDepthRefusal } from '../params-depth.js';
import type { SocketOperations } from '../ws-drain.js';
import { GRAPHQL_PATH, type RoomcastYoga } from '../yoga.js';
import type { WsContext } from './connection.js';

/** How an operation is run, carried to graphql-ws's `execute`/`subscribe` as the root value. */
type Route =
  | { kind: 'enveloped'; execute: (args: ExecutionArgs) => OperationResult; subscribe: (args: ExecutionArgs) => OperationResult }
  /** A subscription, written directly: where and under which id its frames go, and its group. */
  | { kind: 'direct'; direct: Omit<Parameters<typeof subscribeDirect>[0], 'args' | 'meter' | 'exposeInternals' | 'groups'> };

export interface OperationRouterDeps {
  yoga: RoomcastYoga;
  /** Our context factory, for subscriptions: they keep a lean context for their whole life. */
  context: (initial: InitialContext) => Promise<Context>;
  limits: { maxSubscriptionsPerConnection: number; maxVariablesDepth: number };
  operations: SocketOperations;
  meter: SubscriptionMeter;
  /** The server's broadcast groups (one registry per graphql-ws server). */
  groups: BroadcastGroups;
  exposeInternals: boolean;
}

export interface OperationRouter {
  /** graphql-ws's `onSubscribe`: the operation's arguments with its route as root value, or the errors to answer. */
  onSubscribe(ctx: WsContext, id: string, payload: SubscribePayload): Promise<ExecutionArgs | readonly GraphQLError[]>;
  /** graphql-ws's `execute` and `subscribe`: they follow the route `onSubscribe` chose. */
  execute(args: ExecutionArgs): OperationResult;
  subscribe(args: ExecutionArgs): OperationResult;
}

// A coded refusal from a parse hook (yoga's OPERATION_RESOLUTION_FAILURE, armor's token limit) keeps its code.
const parseFailure = (error: unknown): GraphQLError[] => {
  if (error instanceof GraphQLError && typeof error.extensions['code'] === 'string') return [error];
  const message = error instanceof Error ? error.message : 'Query could not be parsed';
  return [new GraphQLError(message, { extensions: { code: ErrorCode.GraphqlParseFailed } })];
};

// yoga's initial context names a fetch Request; socket operations are authenticated by `principal`
// instead, so one placeholder serves them all and no Request is built per operation. It is a POST: yoga
// refuses mutations on a GET request (a CSRF guard that means nothing on a socket).
const socketRequest = new Request(`http://graphql-ws.invalid${GRAPHQL_PATH}`, { method: 'POST' });

// onSubscribe always sets a Route as root value.
const routeOf = (args: ExecutionArgs): Route => args.rootValue as Route;

/**
 * Where each graphql-ws operation runs. Queries and mutations go through yoga's enveloped parse, validate,
 * context and execute (the plugins HTTP requests get). Subscriptions are parsed and validated the same
 * way, then executed by the direct path (direct-subscriptions.ts), once per event for every subscriber of
 * a group, under the shared error policy (errors/graphql-errors.ts).
 */
export const createOperationRouter = ({ yoga, context, limits, operations, meter, groups, exposeInternals }: OperationRouterDeps): OperationRouter => ({
  async onSubscribe(ctx, id, payload) {
    const connection = ctx.extra;
    // undefined once the token has expired (the socket is then closing with 4403); graphql-ws accepts a
    // subscribe only after onConnect admitted the socket, so there is a session.
    const principal = connection.session?.identity.current();
    if (!connection.session || !principal) return [new GraphQLError('Not authenticated', { extensions: { code: ErrorCode.Unauthenticated } })];
    const { identity, subscriptionIds } = connection.session;
    // Before anything walks the variables: the grouping key stringifies them, used or not.
    const tooDeep = paramsDepthRefusal(payload, limits.maxVariablesDepth);
    if (tooDeep) return [tooDeep];
    const enveloped = yoga.getEnveloped({ request: socketRequest, principal, connectionId: connection.id, connection: identity, params: payload });
    let document;
    try {
      document = enveloped.parse(payload.query);
    } catch (error) {
      return parseFailure(error);
    }
    const errors = enveloped.validate(enveloped.schema, document);
    if (errors.length > 0) return errors;
    const common = { schema: enveloped.schema, document, operationName: payload.operationName, variableValues: payload.variables };
    const info = operationInfo(document, payload.operationName);
    if (info.type === 'subscription') {
      const refusal = admitSubscription(subscriptionIds, ctx.subscriptions, id, limits.maxSubscriptionsPerConnection);
      if (refusal) return [refusal];
      // A subscription outlives this call: it keeps only what delivery needs, not yoga's per-request
      // state (its context and plugin instances), so that an idle subscriber stays small.
      const route: Route = {
        kind: 'direct',
        direct: { socket: connection.socket, transport: connection.transport, operationId: id, groupKey: broadcastKey(payload, info.cursorVariable), field: info.field ?? 'unknown' },
      };
      const contextValue = await context({ request: socketRequest, principal, connectionId: connection.id, connection: identity });
      return { ...common, contextValue, rootValue: route };
    }
    // Counted until its `complete` is written, so that shutdown lets it answer.
    operations.begin(connection.socket, id);
    const route: Route = { kind: 'enveloped', execute: enveloped.execute, subscribe: enveloped.subscribe };
    return { ...common, contextValue: await enveloped.contextFactory(), rootValue: route };
  },
  execute(args) {
    const route = routeOf(args);
    // graphql-ws executes only queries and mutations, which are always enveloped.
    if (route.kind !== 'enveloped') throw new Error('A subscription was handed to execute');
    return route.execute(args);
  },
  subscribe(args) {
    const route = routeOf(args);
    if (route.kind === 'enveloped') return route.subscribe(args);
    // Each event is executed with itself as root value.
    return subscribeDirect({ args: { ...args, rootValue: undefined }, ...route.direct, meter, groups, exposeInternals });
  },
});
