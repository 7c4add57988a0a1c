// History benchmark: reading a large store back, over HTTP and graphql-ws, from a Roomcast server process.
//   npm run bench:history                                  (PostgreSQL, then the memory engine)
//   npm run bench:history -- --targets postgres            (a subset)
//   npm run bench:history -- --big-room 100000 --busy-rooms 1000 --total-rooms 10000   (a smaller store)
// The store: a room of 1,000,000 messages, 10,000 rooms of 100 messages, 100,000 rooms in all (see
// shape.ts). PostgreSQL is seeded by SQL in bulk, the memory engine through its store before it listens.
// Figures: page latency (one request at a time), resume of 10,000 missed messages (target ≤ 1 s),
// rooms(first: 20), and the bytes a message takes in PostgreSQL.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signToken } from '../../src/auth/jwt.js';
import { createDatabase, startPostgres } from '../../test/helpers/postgres-server.js';
import { SERVER_ENTRY, buildServers, bundled, startServer } from '../server-process.js';
import { describeMachine } from '../machine.js';
import { round } from '../stats.js';
import { measureHistory } from './measure.js';
import { renderHistory, type HistoryRun } from './render.js';
import { measureSizing, seedPostgres } from './seed-postgres.js';
import type { HistoryShape } from './shape.js';

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: 'postgres,memory' },
    'big-room': { type: 'string', default: '1000000' },
    'busy-rooms': { type: 'string', default: '10000' },
    'messages-per-room': { type: 'string', default: '100' },
    'total-rooms': { type: 'string', default: '100000' },
    samples: { type: 'string', default: '1000' },
    'resume-messages': { type: 'string', default: '10000' },
    'resume-runs': { type: 'string', default: '5' },
    out: { type: 'string', default: 'bench/results/history' },
  },
});
const shape: HistoryShape = {
  bigRoomMessages: Number(values['big-room']),
  busyRooms: Number(values['busy-rooms']),
  messagesPerBusyRoom: Number(values['messages-per-room']),
  totalRooms: Number(values['total-rooms']),
};
const targets = (values.targets ?? '').split(',');
const SECRET = 'bench-secret-0123456789abcdef';
const log = (line: string) => process.stderr.write(`${line}\n`);
const sign = (userId: string) => signToken({ secret: SECRET, userId, expiresInSec: 6 * 3_600 });
const tokens = { reader: await sign('reader'), few: await sign('few'), none: await sign('none') };
const roomcastEnv = (extra: Record<string, string> = {}) => ({
  PORT: '0',
  NODE_ENV: 'production',
  JWT_SECRET: SECRET,
  LOG_LEVEL: 'info',
  // One reader asks for thousands of pages from one address.
  RATE_LIMIT_CONNECTIONS: '999999/1',
  MAX_CONNECTIONS_PER_USER: '100000',
  ...extra,
});
const measure = (port: number) =>
  measureHistory({ port, tokens, shape, samples: Number(values.samples), resumeMessages: Number(values['resume-messages']), resumeRuns: Number(values['resume-runs']), log });

await buildServers(['bench/history/memory-target.ts']);
const results: Record<string, unknown> = {};
const machine = describeMachine();

if (targets.includes('postgres')) {
  const postgres = await startPostgres();
  const url = await createDatabase(postgres);
  // The server applies the migrations; the seed then writes into its schema.
  let server = await startServer(SERVER_ENTRY, { env: roomcastEnv({ DATABASE_URL: url }) });
  await server.stop();
  const seedStarted = performance.now();
  await seedPostgres(url, shape, log);
  const seedSeconds = round((performance.now() - seedStarted) / 1000, 1);
  const sizing = await measureSizing(url);
  log(`sizing: ${JSON.stringify(sizing)}`);
  server = await startServer(SERVER_ENTRY, { env: roomcastEnv({ DATABASE_URL: url }) });
  results['postgres'] = { seedSeconds, sizing, ...(await measure(server.port)) };
  await server.stop();
  await postgres.stop();
}
if (targets.includes('memory')) {
  const seedStarted = performance.now();
  const server = await startServer(bundled('history/memory-target'), {
    env: roomcastEnv(),
    nodeArgs: ['--max-old-space-size=8192', '--enable-source-maps'],
    args: [JSON.stringify(shape)],
    readyTimeoutMs: 600_000,
  });
  const seedSeconds = round((performance.now() - seedStarted) / 1000, 1);
  results['memory'] = { seedSeconds, ...(await measure(server.port)) };
  await server.stop();
}

// Each figure object was built by measureHistory (and the sizing) above.
const run = { machine, shape, samples: Number(values.samples), results } as HistoryRun;
writeFileSync(`${values.out}.json`, `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(`${values.out}.md`, `${renderHistory(run)}\n`);
log(renderHistory(run));
process.exit(0);
