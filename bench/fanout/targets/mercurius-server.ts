// The other GraphQL server users compare: Fastify + Mercurius, subscriptions over graphql-ws
// (`graphql-transport-ws`) with Mercurius's default in-memory pubsub (mqemitter), the same
// messageAdded/sendMessage shapes as the stock yoga target. `fullWsTransport` lets a client that holds a
// socket send its mutations over it, for runs that publish over WebSockets.
import Fastify from 'fastify';
import mercurius, { type IResolvers, type MercuriusContext } from 'mercurius';

interface Message {
  seq: number;
  body: string;
}
const seqs = new Map<string, number>();
const topic = (roomId: string) => `messageAdded:${roomId}`;

const schema = `
  type Message { seq: Int! body: String! }
  type Query { ok: Boolean }
  type Mutation { sendMessage(roomId: ID!, body: String!): Message! }
  type Subscription { messageAdded(roomId: ID!): Message! }
`;
const resolvers: IResolvers = {
  Mutation: {
    sendMessage: async (_: unknown, { roomId, body }: { roomId: string; body: string }, { pubsub }: MercuriusContext) => {
      const seq = (seqs.get(roomId) ?? 0) + 1;
      seqs.set(roomId, seq);
      const message: Message = { seq, body };
      await pubsub.publish({ topic: topic(roomId), payload: { messageAdded: message } });
      return message;
    },
  },
  Subscription: {
    messageAdded: {
      subscribe: async (_: unknown, { roomId }: { roomId: string }, { pubsub }: MercuriusContext) => pubsub.subscribe(topic(roomId)),
    },
  },
};

const app = Fastify({ logger: false });
await app.register(mercurius, { schema, resolvers, subscription: { fullWsTransport: true } });
const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ msg: 'listening', port: Number(new URL(address).port) })}\n`);
process.on('SIGTERM', () => process.exit(0));
