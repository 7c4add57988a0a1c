// Webhook deliveries per second to a local receiver, in one process.
//   npm run bench:webhooks                                  (4,000 deliveries, 16 rooms, concurrency 16)
//   npm run bench:webhooks -- --deliveries 8000 --rooms 32 --concurrency 32
// Baseline, run first: the same signed POSTs (standardwebhooks signature, keep-alive, same concurrency)
// from a plain loop, with no outbox. Then Roomcast's delivery worker over the memory store and over
// PostgreSQL: the messages are stored first, then the worker is started and timed until the receiver
// has acknowledged every delivery. One endpoint delivers one room at a time (seq order), so the rooms
// bound the parallelism. Only ratios within one run mean much (the receiver shares the process).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/config.js';
import { composeEngine } from '../src/engine/compose-engine.js';
import { createMemoryRealtime } from '../src/engine/memory/memory-realtime.js';
import { createMemoryStore } from '../src/engine/memory/memory-store.js';
import { createPostgresStore } from '../src/engine/postgres/postgres-store.js';
import type { Store } from '../src/engine/types.js';
import { systemClock } from '../src/lib/clock.js';
import { createServices } from '../src/services/index.js';
import { createSignedPoster } from '../src/services/webhooks/signed-post.js';
import { createDatabase, startPostgres } from '../test/helpers/postgres-server.js';
import { round } from './stats.js';

const { values } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '4000' },
    rooms: { type: 'string', default: '16' },
    concurrency: { type: 'string', default: '16' },
    out: { type: 'string', default: 'bench/results/webhooks.json' },
  },
});
const total = Number(values.deliveries);
const roomCount = Number(values.rooms);
const concurrency = Number(values.concurrency);
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

const startReceiver = async () => {
  let received = 0;
  let onCount = () => undefined as void;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
      onCount();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, // a TCP listener
    reached: (count: number) =>
      new Promise<void>((resolve) => {
        onCount = () => received >= count && resolve();
        onCount();
      }),
    reset: () => (received = 0),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};

const measure = async (run: () => Promise<void>) => {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await run();
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  return { deliveriesPerSecond: round(total / (wallMs / 1_000), 0), wallMs: round(wallMs, 0), cpuUsPerDelivery: round((cpu.user + cpu.system) / total, 1) };
};

const receiver = await startReceiver();

const baseline = async () => {
  const poster = createSignedPoster({ timeoutMs: 5_000, maxSockets: concurrency, allowPrivate: true });
  let next = 0;
  const payload = JSON.stringify({ type: 'message.created', data: { message: { id: 'm', body: 'hello world' } } });
  const worker = async () => {
    while (next < total) {
      const id = next++;
      const outcome = await poster.post({ url: receiver.url, secret: SECRET, webhookId: `msg_${id}`, timestampMs: Date.now(), payload });
      if (!outcome.ok) throw new Error(outcome.error);
    }
  };
  const result = await measure(async () => {
    await Promise.all(Array.from({ length: concurrency }, worker));
  });
  poster.close();
  return result;
};

const roomcast = async (store: Store) => {
  const engine = composeEngine(store, createMemoryRealtime({ onListenerError: () => undefined }));
  const config = loadConfig({ ADMIN_USER_IDS: 'admin', WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_CONCURRENCY: String(concurrency) });
  const services = createServices({
    engine,
    clock: systemClock,
    limits: { ...config.limits, writeBudgets: { ...config.limits.writeBudgets, messages: { points: 1_000_000, durationSec: 1 } } },
    adminUserIds: config.adminUserIds,
    webhooks: config.webhooks,
    onError: (error) => console.error(error),
  });
  const admin = { userId: 'admin', name: 'Admin' };
  const rooms = await Promise.all(Array.from({ length: roomCount }, (_, i) => services.rooms.create(admin.userId, { name: `r${i}` })));
  await services.webhooks.create(admin.userId, { url: receiver.url, roomIds: rooms.map((r) => r.id) });
  // Stored before the worker runs: what is timed is delivery alone.
  for (let i = 0; i < total; i++) await services.messages.send(admin, { roomId: rooms[i % roomCount]?.id ?? '', body: `m${i}` });
  receiver.reset();
  const result = await measure(async () => {
    await services.start();
    await receiver.reached(total);
  });
  await services.stop();
  await engine.close();
  return result;
};

const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
// The first run warms up the JIT, the sockets and the signing code; the second is kept.
await baseline();
results['baseline: signed POSTs from a loop'] = await baseline();
results['Roomcast, memory store'] = await roomcast(createMemoryStore());
const postgres = await startPostgres();
try {
  const url = await createDatabase(postgres);
  results['Roomcast, PostgreSQL outbox'] = await roomcast(
    await createPostgresStore({ url, timerPollMs: 250, onError: () => undefined, connectTimeoutMs: 5_000, statementTimeoutMs: 10_000, poolSize: concurrency + 4 }),
  );
} finally {
  await postgres.stop();
  await receiver.close();
}

const baseRate = results['baseline: signed POSTs from a loop']?.deliveriesPerSecond ?? Number.NaN;
const rows = Object.entries(results).map(([target, r]) => ({ target, ...r, ofBaseline: round(r.deliveriesPerSecond / baseRate, 2) }));
const result = { deliveries: total, rooms: roomCount, concurrency, node: process.version, at: new Date().toISOString(), rows };
console.table(rows);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
