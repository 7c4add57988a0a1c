// What a user gets without Roomcast: graphql-yoga + graphql-ws `useServer` + `createPubSub`, one
// `messageAdded(roomId)` subscription executed and serialized per subscriber per event.
import { createServer } from 'node:http';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { ExecutionArgs } from 'graphql';

interface Message {
  seq: number;
  body: string;
}
const pubSub = createPubSub<{ messageAdded: [roomId: string, message: Message] }>();
const seqs = new Map<string, number>();
const yoga = createYoga({
  schema: createSchema({
    typeDefs: `
      type Message { seq: Int! body: String! }
      type Query { ok: Boolean }
      type Mutation { sendMessage(roomId: ID!, body: String!): Message! }
      type Subscription { messageAdded(roomId: ID!): Message! }
    `,
    resolvers: {
      Mutation: {
        sendMessage: (_: unknown, { roomId, body }: { roomId: string; body: string }) => {
          const seq = (seqs.get(roomId) ?? 0) + 1;
          seqs.set(roomId, seq);
          const message = { seq, body };
          pubSub.publish('messageAdded', roomId, message);
          return message;
        },
      },
      Subscription: {
        messageAdded: {
          subscribe: (_: unknown, { roomId }: { roomId: string }) => pubSub.subscribe('messageAdded', roomId),
          resolve: (message: Message) => message,
        },
      },
    },
  }),
  logging: false,
});
const server = createServer(yoga);
const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
interface Enveloped {
  execute: (args: ExecutionArgs) => unknown;
  subscribe: (args: ExecutionArgs) => unknown;
}
useServer(
  {
    execute: (args) => (args.rootValue as Enveloped).execute(args) as never,
    subscribe: (args) => (args.rootValue as Enveloped).subscribe(args) as never,
    onSubscribe: async (ctx, _id, params) => {
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params });
      const document = parse(params.query);
      const errors = validate(schema, document);
      if (errors.length > 0) return errors;
      return { schema, operationName: params.operationName, document, variableValues: params.variables, contextValue: await contextFactory(), rootValue: { execute, subscribe } };
    },
  },
  wss,
);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ msg: 'listening', port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
