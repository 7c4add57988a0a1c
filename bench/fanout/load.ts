// The load generator, run in its own process by bench/fanout/run.ts: opens subscribers, reports when
// they are all live, then (on "go" from stdin) publishes at a fixed total rate and measures delivery; on
// a second "go" it publishes at the same rate to a room nobody subscribed to, so that the runner can tell
// what a publish costs on its own from what its deliveries cost.
import { createInterface } from 'node:readline';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { percentiles } from '../stats.js';

interface LoadConfig {
  /** `socketio`: Socket.IO clients (WebSocket transport only), `wsUrl` is the server's http:// origin. */
  protocol: 'raw' | 'graphql' | 'socketio';
  wsUrl: string;
  publishUrl: string;
  /** `raw` covers Socket.IO too: the same POST /publish, and over a socket an acknowledged `publish` event. */
  publish: 'raw' | 'graphql';
  /** `http`: one POST per message (the default); `ws`: every message over one WebSocket of its own. */
  publishOver: 'http' | 'ws';
  /** For `ws`: where the publishing socket connects (for Redis, the publishing instance). */
  publishWsUrl: string;
  token?: string;
  rooms: string[];
  subscribers: number;
  ratePerSecond: number;
  durationMs: number;
  /** The same load, unmeasured, before the measured phase (its deliveries are ignored like the warm-up's). */
  warmupMs: number;
  /** Before that, this many publishes back to back to the silent room. */
  warmupPublishes: number;
  subscribeQuery: string;
  /** For graphql targets: a mutation with $roomId and $body. */
  publishQuery: string;
  /** A room no subscriber is in, for the publish-only phase. */
  silentRoom: string;
  silentDurationMs: number;
}

const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
const now = () => performance.timeOrigin + performance.now();
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);

interface Subscriber {
  roomId: string;
  received: Set<number>;
  duplicates: number;
  warm: boolean;
}
const subscribers: Subscriber[] = [];
const sockets: { terminate(): void }[] = [];
const latencies: number[] = [];
let deliveries = 0;
// Deliveries in the publish-only phase, which has none if the silent room really has no subscriber.
let strayDeliveries = 0;

/** Bodies are `<phase>:<index>:<sent at ms>`; warm-up messages only prove the subscriber is live. */
const onBody = (subscriber: Subscriber, body: string) => {
  const [phase, index, sentAt] = body.split(':');
  if (phase === 'warm') {
    subscriber.warm = true;
    return;
  }
  if (phase === 'silent') {
    strayDeliveries += 1;
    return;
  }
  const id = Number(index);
  if (subscriber.received.has(id)) subscriber.duplicates += 1;
  subscriber.received.add(id);
  deliveries += 1;
  latencies.push(now() - Number(sentAt));
};

const bodyOf = (data: string): string | undefined => {
  const frame = JSON.parse(data) as { body?: string; type?: string; payload?: { data?: { messageAdded?: { body: string } } } };
  if (config.protocol === 'raw') return frame.body;
  if (frame.type === 'connection_ack' || frame.type === 'ping' || frame.type === 'pong') return undefined;
  return frame.payload?.data?.messageAdded?.body;
};

/** A Socket.IO client as users open one: its own Manager (no multiplexing), WebSocket from the start, no reconnection. */
const openSocketIo = (url: string, room: string): Socket =>
  io(url, { transports: ['websocket'], forceNew: true, reconnection: false, query: { room } });

const connectSocketIo = (subscriber: Subscriber) =>
  new Promise<void>((resolve, reject) => {
    const socket = openSocketIo(config.wsUrl, subscriber.roomId);
    sockets.push({ terminate: () => socket.disconnect() });
    socket.once('connect_error', reject);
    socket.once('connect', () => resolve());
    socket.on('message', (message: { seq: number; body: string }) => onBody(subscriber, message.body));
  });

const connect = (roomId: string) =>
  new Promise<void>((resolve, reject) => {
    const subscriber: Subscriber = { roomId, received: new Set(), duplicates: 0, warm: false };
    subscribers.push(subscriber);
    if (config.protocol === 'socketio') {
      connectSocketIo(subscriber).then(resolve, reject);
      return;
    }
    const url = config.protocol === 'raw' ? `${config.wsUrl}?room=${encodeURIComponent(roomId)}` : config.wsUrl;
    const socket = new WebSocket(url, config.protocol === 'graphql' ? 'graphql-transport-ws' : undefined);
    sockets.push(socket);
    socket.on('error', reject);
    socket.on('open', () => {
      if (config.protocol === 'graphql') {
        socket.send(JSON.stringify({ type: 'connection_init', payload: config.token ? { authorization: `Bearer ${config.token}` } : {} }));
      }
    });
    socket.on('message', (data: Buffer) => {
      const text = data.toString();
      if (config.protocol === 'graphql' && text.includes('"connection_ack"')) {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: config.subscribeQuery, variables: { roomId } } }));
        resolve();
        return;
      }
      if (config.protocol === 'graphql' && text.includes('"type":"ping"')) {
        socket.send('{"type":"pong"}');
        return;
      }
      if (config.protocol === 'raw' && text.includes('"ready"')) {
        resolve();
        return;
      }
      const body = bodyOf(text);
      if (body !== undefined) onBody(subscriber, body);
    });
  });

/** One Socket.IO client for every publish: an acknowledged `publish` event per message. */
const openSocketIoPublisher = async () => {
  const socket = openSocketIo(config.publishWsUrl, '__publisher');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', () => resolve());
  });
  return async (roomId: string, body: string) => {
    const answer = (await socket.emitWithAck('publish', { roomId, body })) as { seq?: number; error?: string };
    if (answer.error !== undefined) throw new Error(`publish failed: ${answer.error}`);
  };
};

/** One socket for every publish: the raw protocol, or graphql-ws with each message an operation. */
const openPublisher = async () => {
  if (config.protocol === 'socketio') return openSocketIoPublisher();
  const graphql = config.publish === 'graphql';
  const socket = new WebSocket(graphql ? config.publishWsUrl : `${config.publishWsUrl}?room=__publisher`, graphql ? 'graphql-transport-ws' : undefined);
  const pending = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.on('open', () => {
      if (graphql) socket.send(JSON.stringify({ type: 'connection_init', payload: config.token ? { authorization: `Bearer ${config.token}` } : {} }));
    });
    socket.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { id?: string | number; type?: string; payload?: unknown };
      if (frame.type === 'connection_ack' || frame.type === 'ready') return resolve();
      if (frame.type === 'ping') return socket.send('{"type":"pong"}');
      const waiter = pending.get(String(frame.id));
      if (!waiter) return;
      if (frame.type === 'error') waiter.reject(new Error(`publish failed: ${JSON.stringify(frame.payload)}`));
      // graphql-ws: `next` then `complete`; raw: one answer.
      else if (frame.type === 'complete' || !graphql) waiter.resolve();
      else return;
      pending.delete(String(frame.id));
    });
  });
  let nextId = 0;
  return (roomId: string, body: string) =>
    new Promise<void>((resolve, reject) => {
      const id = String((nextId += 1));
      pending.set(id, { resolve, reject });
      socket.send(
        graphql
          ? JSON.stringify({ id, type: 'subscribe', payload: { query: config.publishQuery, variables: { roomId, body } } })
          : JSON.stringify({ id, roomId, body }),
      );
    });
};
const publishOverWs = config.publishOver === 'ws' ? await openPublisher() : undefined;

const publish = async (roomId: string, body: string) => {
  if (publishOverWs) return publishOverWs(roomId, body);
  const response =
    config.publish === 'raw'
      ? await fetch(config.publishUrl, { method: 'POST', body: JSON.stringify({ roomId, body }) })
      : await fetch(config.publishUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(config.token ? { authorization: `Bearer ${config.token}` } : {}) },
          body: JSON.stringify({ query: config.publishQuery, variables: { roomId, body } }),
        });
  if (!response.ok) throw new Error(`publish answered ${response.status}: ${await response.text()}`);
  await response.text();
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Connect in batches so the server is not hit by thousands of handshakes at once.
for (let i = 0; i < config.subscribers; i += 200) {
  await Promise.all(Array.from({ length: Math.min(200, config.subscribers - i) }, (_, j) => connect(config.rooms[(i + j) % config.rooms.length] ?? '')));
}
// Warm up until every subscriber has seen a message of its room: then all are live on the server.
const warmDeadline = Date.now() + 60_000;
while (subscribers.some((s) => !s.warm)) {
  if (Date.now() > warmDeadline) throw new Error(`${subscribers.filter((s) => !s.warm).length} subscribers never became live`);
  await Promise.all(config.rooms.map((roomId) => publish(roomId, `warm:0:${now()}`)));
  await sleep(200);
}
say({ msg: 'subscribed', subscribers: subscribers.length });

const commands = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const awaitGo = async () => {
  if ((await commands.next()).done) process.exit(1);
};

/** Publishes at the configured total rate for `durationMs`; the room of message i is `roomOf(i)`. */
const publishAtRate = async (durationMs: number, phase: string, roomOf: (index: number) => string) => {
  const intervalMs = 1_000 / config.ratePerSecond;
  const started = now();
  let index = 0;
  const inFlight: Promise<void>[] = [];
  while (now() - started < durationMs) {
    const due = started + index * intervalMs;
    if (due > now()) await sleep(due - now());
    inFlight.push(publish(roomOf(index), `${phase}:${index}:${now()}`));
    index += 1;
  }
  await Promise.all(inFlight);
  return { published: index, seconds: (now() - started) / 1_000 };
};

/** `count` publishes to the silent room, `concurrency` at a time, as fast as the server answers. */
const publishBackToBack = async (count: number, concurrency: number) => {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      await publish(config.silentRoom, `silent:${next}:${now()}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
};

// After the runner has read RSS: many publishes back to back (a server that has served many), then the
// same load unmeasured, so that the measured phase sees a warm server.
await awaitGo();
await publishBackToBack(config.warmupPublishes, 4);
if (config.warmupMs > 0) {
  await publishAtRate(config.warmupMs, 'warm', (i) => config.rooms[i % config.rooms.length] ?? '');
  // Its last deliveries land before the measured window opens.
  await sleep(500);
}
say({ msg: 'warmed' });
await awaitGo();

// The measured phase: messages round-robin over rooms at a fixed total rate.
const expectedByRoom = new Map<string, number[]>();
const roomOf = (index: number) => config.rooms[index % config.rooms.length] ?? '';
const { published: index, seconds: publishSeconds } = await publishAtRate(config.durationMs, 'm', (i) => {
  const roomId = roomOf(i);
  const expected = expectedByRoom.get(roomId);
  if (expected) expected.push(i);
  else expectedByRoom.set(roomId, [i]);
  return roomId;
});
const expectedDeliveries = subscribers.reduce((sum, s) => sum + (expectedByRoom.get(s.roomId)?.length ?? 0), 0);
const drainDeadline = Date.now() + 10_000;
while (deliveries < expectedDeliveries && Date.now() < drainDeadline) await sleep(20);

let lost = 0;
let duplicated = 0;
for (const subscriber of subscribers) {
  for (const id of expectedByRoom.get(subscriber.roomId) ?? []) if (!subscriber.received.has(id)) lost += 1;
  duplicated += subscriber.duplicates;
}
say({
  msg: 'done',
  published: index,
  deliveries,
  expectedDeliveries,
  deliveriesPerSecond: deliveries / publishSeconds,
  lost,
  duplicated,
  latencyMs: percentiles(latencies),
});

await awaitGo();
const silent = await publishAtRate(config.silentDurationMs, 'silent', () => config.silentRoom);
await sleep(200);
say({ msg: 'silent-done', published: silent.published, strayDeliveries });
for (const socket of sockets) socket.terminate();
process.exit(0);
