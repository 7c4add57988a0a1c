import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Clock } from '../../lib/clock.js';
import { isAsyncIterable } from '../../lib/is-async-iterable.js';
import type { Context } from '../../resolvers/context.js';
import { acceptsEventStream } from '../internals/yoga-internals.js';
import { withIdsAndHeartbeats } from '../sse-body.js';
import { isFetchRequest } from './fetch-request.js';

/** The subscriptions whose events carry an `id:` when they deliver a message (CONTRACT.md "SSE"). */
const MESSAGE_FIELDS: ReadonlySet<string> = new Set(['messageAdded', 'roomEvents']);

/** One SSE stream: the cursor of the message its field resolver saw last, not yet given to an event. */
interface Slot {
  cursor: string | undefined;
}

type MessageItem = { kind: 'message'; message: { roomId: string; seq: number } };

// Room stream items (services/room-stream.ts): a message event carries its record.
const isMessageItem = (item: unknown): item is MessageItem =>
  typeof item === 'object' && item !== null && 'kind' in item && item.kind === 'message' && 'message' in item;

const requestOf = (context: unknown): Request | undefined => {
  const request = typeof context === 'object' && context !== null && 'request' in context ? context.request : undefined;
  return isFetchRequest(request) ? request : undefined;
};

const hasData = (result: unknown): boolean => typeof result === 'object' && result !== null && 'data' in result && result.data != null;

export interface SseEvents {
  /**
   * The schema with `messageAdded` and `roomEvents` noting, for SSE streams only, the cursor of each message
   * they resolve: from the server's own record, so the `id:` is there whatever fields the client selected.
   */
  wrapSchema(schema: GraphQLSchema): GraphQLSchema;
  plugin: Plugin<Context>;
}

/**
 * GraphQL over SSE as the contract has it: an `id:` line (the message's cursor) on each event that delivers
 * a message, and a heartbeat comment at least every `heartbeatMs` (sse-body.ts). The cursor is taken from
 * the room stream item by the field resolver (the server's own record), kept in a slot per request, and
 * read when the result reaches yoga's SSE writer, whose output is then rewritten. A result cannot carry
 * it itself: the layers in between build new result objects.
 */
export const createSseEvents = ({ heartbeatMs, clock }: { heartbeatMs: number; clock: Clock }): SseEvents => {
  const slots = new WeakMap<Request, Slot>();
  const noteCursor = (context: Context, item: unknown) => {
    const request = requestOf(context);
    const slot = request && slots.get(request);
    if (slot && isMessageItem(item)) slot.cursor = context.services.messages.cursorOf(item.message);
  };
  return {
    wrapSchema: (schema) =>
      mapSchema(schema, {
        [MapperKind.SUBSCRIPTION_ROOT_FIELD]: (field, fieldName) => {
          if (!MESSAGE_FIELDS.has(fieldName)) return field;
          const resolve: GraphQLFieldResolver<unknown, Context> = field.resolve ?? defaultFieldResolver;
          return {
            ...field,
            resolve: (item, args, context: Context, info) => {
              noteCursor(context, item);
              return resolve(item, args, context, info);
            },
          };
        },
      }),
    plugin: {
      onSubscribe: ({ args }) => {
        const request = requestOf(args.contextValue);
        if (request && acceptsEventStream(request)) slots.set(request, { cursor: undefined });
      },
      onResultProcess: ({ request, result, resultProcessor, setResultProcessor }) => {
        // A stream that yoga has chosen to write as SSE (internals/yoga-internals.ts); a single result (a
        // refusal) needs neither ids nor heartbeats.
        if (!resultProcessor || !isAsyncIterable(result) || !acceptsEventStream(request)) return;
        const slot = slots.get(request);
        const writeSse = resultProcessor;
        setResultProcessor((streamed, fetchAPI, mediaType) => {
          if (!isAsyncIterable(streamed)) return writeSse(streamed, fetchAPI, mediaType);
          const ids: (string | undefined)[] = [];
          const source = streamed[Symbol.asyncIterator]();
          // Every layer between the resolver and here (envelop's hooks, stream expiry) takes one result at a
          // time and asks for the next only once this one is taken: the slot holds this result's cursor. A
          // result without data (the expiry's error) delivers no message, whatever the slot holds.
          const noted: AsyncIterableIterator<unknown> = {
            async next() {
              const step = await source.next();
              const cursor = slot?.cursor;
              if (slot) slot.cursor = undefined;
              if (!step.done) ids.push(hasData(step.value) ? cursor : undefined);
              return step;
            },
            return: async (value?: unknown) => (await source.return?.(value)) ?? { done: true, value: undefined },
            [Symbol.asyncIterator]: () => noted,
          };
          const response = writeSse(noted as typeof streamed, fetchAPI, mediaType); // the same results, in order
          const decorate = (written: Response): Response =>
            written.body === null
              ? written
              : new fetchAPI.Response(
                  withIdsAndHeartbeats(written.body, {
                    nextEventId: () => ids.shift(),
                    heartbeatMs,
                    clock,
                    ReadableStream: fetchAPI.ReadableStream,
                    TextEncoder: fetchAPI.TextEncoder,
                  }),
                  { status: written.status, statusText: written.statusText, headers: written.headers },
                );
          return response instanceof Promise ? response.then(decorate) : decorate(response);
        }, 'text/event-stream');
      },
    },
  };
};
