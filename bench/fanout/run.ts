// Fan-out benchmark: the same load against four targets in one invocation (the last: two instances on PostgreSQL + Redis).
//   npm run bench                                  (2,000 subscribers, 20 rooms, 100 msg/s, 8 s)
//   npm run bench -- --subscribers 10000 --rooms 100 --rate 200 --duration-ms 15000
//   npm run bench -- --targets raw,memory         (a subset)
//   npm run bench -- --targets memory --profile /tmp/prof   (CPU profiles of the servers)
//   npm run bench -- --publish-over ws             (every target publishes over one WebSocket, not HTTP)
// Only ratios within one run mean much: the load generator shares the machine with the server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import pg from 'pg';
import { signToken } from '../../src/auth/jwt.js';
import { startSharedStack } from '../../test/helpers/shared-stack.js';
import { round } from '../stats.js';
import { cpuTimes, rssBytes } from '../../test/helpers/proc-stats.js';
import { treeCpuTimes } from '../process-tree-cpu.js';
import { measureResume } from './resume.js';
import { renderFanout, type FanoutRun } from './render.js';

const { values } = parseArgs({
  options: {
    subscribers: { type: 'string', default: '2000' },
    rooms: { type: 'string', default: '20' },
    rate: { type: 'string', default: '100' },
    'duration-ms': { type: 'string', default: '8000' },
    targets: { type: 'string', default: 'raw,yoga,memory,postgres' },
    'publish-over': { type: 'string', default: 'http' },
    'resume-messages': { type: 'string', default: '10000' },
    /** Write a V8 CPU profile of every server process into this directory (node --cpu-prof). */
    profile: { type: 'string' },
    out: { type: 'string', default: 'bench/results/fanout' },
  },
});
const root = fileURLToPath(new URL('../../', import.meta.url));
const SECRET = 'bench-secret-0123456789abcdef';
const subscribers = Number(values.subscribers);
const roomCount = Number(values.rooms);
const ratePerSecond = Number(values.rate);
const publishOver = values['publish-over'];
if (publishOver !== 'http' && publishOver !== 'ws') throw new Error('--publish-over is http or ws');
const durationMs = Number(values['duration-ms']);
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) if (child.pid && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
});

// Every target runs as plain JavaScript, as in production: Roomcast as `npm start` runs it (dist/, built by
// tsc), the baselines compiled by esbuild. Under tsx each named closure would also get a `name` property
// defined at creation (esbuild's keepNames), which costs CPU and a property store per closure.
const SERVER_ENTRY = 'dist/main.js';
const RAW_ENTRY = '.bench-build/raw-ws-server.js';
const STOCK_YOGA_ENTRY = '.bench-build/stock-yoga-server.js';
const buildTargets = async (): Promise<void> => {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('building the server failed');
  await build({
    entryPoints: ['bench/fanout/targets/raw-ws-server.ts', 'bench/fanout/targets/stock-yoga-server.ts'],
    absWorkingDir: root,
    outdir: '.bench-build',
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
  });
};

/** Starts a built server and resolves with its pid and port once it prints its listening line. */
const startProcess = (script: string, env: Record<string, string> = {}) =>
  new Promise<{ pid: number; port: number; child: ChildProcess }>((resolve, reject) => {
    const profiling = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : [];
    const child = spawn(process.execPath, [...profiling, script], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    const timer = setTimeout(() => reject(new Error(`${script} did not start`)), 20_000);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { msg?: string; port?: number };
        if (parsed.msg === 'listening' && typeof parsed.port === 'number' && child.pid) {
          clearTimeout(timer);
          resolve({ pid: child.pid, port: parsed.port, child });
        }
      } catch {
        // not a log line of interest
      }
    });
  });

const stop = async (child: ChildProcess) => {
  if (!child.pid || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => child.pid && process.kill(child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
};

const roomcastEnv = (extra: Record<string, string> = {}) => ({
  PORT: '0',
  NODE_ENV: 'production',
  JWT_SECRET: SECRET,
  LOG_LEVEL: 'info',
  RATE_LIMIT_MESSAGES: '999999/1',
  RATE_LIMIT_ROOMS: '999999/1',
  // Every subscriber is the same user from the same address.
  RATE_LIMIT_CONNECTIONS: '999999/1',
  MAX_CONNECTIONS_PER_USER: '100000',
  ...extra,
});

interface LoadResult {
  published: number;
  deliveries: number;
  expectedDeliveries: number;
  deliveriesPerSecond: number;
  lost: number;
  duplicated: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

/** One target's figures; CPU is split into user space and kernel (mostly socket writes) to show where it goes. */
type Row = LoadResult & {
  cpuMicrosPerDelivery: number;
  userMicrosPerDelivery: number;
  kernelMicrosPerDelivery: number;
  rssBytesPerConnection: number;
  /** Server CPU per message published, at the same rate, to a room nobody subscribed to (idle upkeep included). */
  publishAloneMicros: number;
  /** What each delivery adds on top of its publish: (CPU of the measured phase − its publishes alone) / deliveries. */
  marginalMicrosPerDelivery: number;
};

// The publish-only phase: long enough that /proc's 10 ms ticks stay small next to what it measures.
const silentDurationMs = Math.max(3_000, durationMs / 2);
/** Server-side processes: single processes by pid, and process trees (PostgreSQL's postmaster and its backends). */
interface ServerSide {
  pids: number[];
  trees?: number[];
}
const cpuOf = ({ pids, trees = [] }: ServerSide) => [...pids.map(cpuTimes), ...trees.map(treeCpuTimes)];
/** User and kernel CPU the processes spent between two readings, summed over them. */
const spentBetween = (before: ReturnType<typeof cpuOf>, after: ReturnType<typeof cpuOf>) => {
  const sum = (field: 'userMicros' | 'kernelMicros') => after.reduce((total, end, index) => total + end[field] - (before[index]?.[field] ?? 0), 0);
  return { userMicros: sum('userMicros'), kernelMicros: sum('kernelMicros') };
};

/** Runs the load generator against one target; measures the server processes around it. */
const runLoad = async (options: {
  server: ServerSide;
  rssPid: number;
  load: Record<string, unknown>;
  /** Called when the measured window opens and closes (e.g. to count Redis commands in it). */
  window?: { open(): Promise<void>; close(): Promise<void> };
}): Promise<Row> => {
  const rssBefore = rssBytes(options.rssPid);
  const config = { subscribers, ratePerSecond, durationMs, publishOver, publishWsUrl: options.load['wsUrl'], silentDurationMs, ...options.load };
  const load = spawn(process.execPath, ['--import', 'tsx', 'bench/fanout/load.ts', JSON.stringify(config)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.add(load);
  const lines = createInterface({ input: load.stdout! });
  const next = () => new Promise<Record<string, unknown>>((resolve, reject) => {
    lines.once('line', (line) => resolve(JSON.parse(line) as Record<string, unknown>));
    load.once('exit', (code) => reject(new Error(`load generator exited with ${code}`)));
  });
  await next(); // subscribed
  const rssAfter = rssBytes(options.rssPid);
  await options.window?.open();
  const cpuBefore = cpuOf(options.server);
  load.stdin!.write('go\n');
  const result = (await next()) as unknown as LoadResult;
  const cpuAfter = cpuOf(options.server);
  await options.window?.close();
  load.stdin!.write('go\n');
  const silent = (await next()) as { published: number; strayDeliveries: number };
  const cpuAfterSilent = cpuOf(options.server);
  children.delete(load);
  if (silent.strayDeliveries > 0) throw new Error(`${silent.strayDeliveries} deliveries from the room nobody subscribed to`);
  const deliveries = Math.max(1, result.deliveries);
  const measured = spentBetween(cpuBefore, cpuAfter);
  const publishing = spentBetween(cpuAfter, cpuAfterSilent);
  const userMicrosPerDelivery = measured.userMicros / deliveries;
  const kernelMicrosPerDelivery = measured.kernelMicros / deliveries;
  const publishAloneMicros = (publishing.userMicros + publishing.kernelMicros) / Math.max(1, silent.published);
  const cpuMicrosPerDelivery = userMicrosPerDelivery + kernelMicrosPerDelivery;
  return {
    ...result,
    cpuMicrosPerDelivery,
    userMicrosPerDelivery,
    kernelMicrosPerDelivery,
    rssBytesPerConnection: (rssAfter - rssBefore) / subscribers,
    publishAloneMicros,
    marginalMicrosPerDelivery: (cpuMicrosPerDelivery * deliveries - publishAloneMicros * result.published) / deliveries,
  };
};

/** The rooms subscribers spread over, and one more that nobody subscribes to (the publish-only phase). */
interface Rooms {
  rooms: string[];
  silentRoom: string;
}

const graphqlLoad = (port: number, { rooms, silentRoom }: Rooms, token: string | undefined, flavour: 'roomcast' | 'yoga') => ({
  protocol: 'graphql',
  publish: 'graphql',
  wsUrl: `ws://127.0.0.1:${port}/graphql`,
  publishUrl: `http://127.0.0.1:${port}/graphql`,
  token,
  rooms,
  silentRoom,
  subscribeQuery: 'subscription($roomId: ID!) { messageAdded(roomId: $roomId) { seq body } }',
  publishQuery:
    flavour === 'roomcast'
      ? 'mutation($roomId: ID!, $body: String!) { sendMessage(input: { roomId: $roomId, body: $body }) { seq } }'
      : 'mutation($roomId: ID!, $body: String!) { sendMessage(roomId: $roomId, body: $body) { seq } }',
});

const createRooms = async (port: number, token: string): Promise<Rooms> => {
  const ids: string[] = [];
  for (let i = 0; i <= roomCount; i++) {
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `mutation { createRoom(input: { name: "bench-${i}" }) { id } }` }),
    });
    const body = (await response.json()) as { data: { createRoom: { id: string } } };
    ids.push(body.data.createRoom.id);
  }
  return { rooms: ids.slice(0, roomCount), silentRoom: ids[roomCount] ?? '' };
};

await buildTargets();
const results: Record<string, unknown> = {};
const targets = (values.targets ?? '').split(',');
const token = await signToken({ secret: SECRET, userId: 'bench', expiresInSec: 3_600 });
const plainRooms: Rooms = { rooms: Array.from({ length: roomCount }, (_, i) => `room-${i}`), silentRoom: 'room-silent' };

if (targets.includes('raw')) {
  const server = await startProcess(RAW_ENTRY);
  results['raw'] = await runLoad({
    server: { pids: [server.pid] },
    rssPid: server.pid,
    load: { protocol: 'raw', publish: 'raw', wsUrl: `ws://127.0.0.1:${server.port}/`, publishUrl: `http://127.0.0.1:${server.port}/publish`, ...plainRooms, subscribeQuery: '', publishQuery: '' },
  });
  await stop(server.child);
  console.log('raw', JSON.stringify(results['raw']));
}
if (targets.includes('yoga')) {
  const server = await startProcess(STOCK_YOGA_ENTRY, { NODE_ENV: 'production' });
  results['yoga'] = await runLoad({ server: { pids: [server.pid] }, rssPid: server.pid, load: graphqlLoad(server.port, plainRooms, undefined, 'yoga') });
  await stop(server.child);
  console.log('yoga', JSON.stringify(results['yoga']));
}
if (targets.includes('memory')) {
  const server = await startProcess(SERVER_ENTRY, roomcastEnv());
  const rooms = await createRooms(server.port, token);
  results['memory'] = await runLoad({ server: { pids: [server.pid] }, rssPid: server.pid, load: graphqlLoad(server.port, rooms, token, 'roomcast') });
  results['resume'] = await measureResume(server.port, token, Number(values['resume-messages']));
  await stop(server.child);
  console.log('memory', JSON.stringify(results['memory']));
  console.log('resume', JSON.stringify(results['resume']));
}
if (targets.includes('postgres')) {
  // The many-instances topology: both instances share a fresh PostgreSQL database (the store) and Redis
  // (the bus, presence, limits). Every server-side process is measured: the two instances, redis-server,
  // and the postmaster with all its backends.
  const stack = await startSharedStack();
  const env = roomcastEnv(stack.env);
  const publisher = await startProcess(SERVER_ENTRY, env);
  const subscriberSide = await startProcess(SERVER_ENTRY, env);
  const rooms = await createRooms(publisher.port, token);
  const probe = new Redis(stack.redis.url);
  const commandCalls = async () => [...(await probe.info('commandstats')).matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  const database = new pg.Client({ connectionString: stack.env.DATABASE_URL });
  await database.connect();
  // Transactions committed in this database, from the cumulative statistics (flushed about once a second).
  const commits = async () => {
    await database.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await database.query<{ xact_commit: string }>('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()');
    return Number(rows[0]?.xact_commit ?? 0);
  };
  let callsBefore = 0;
  let callsAfter = 0;
  let commitsBefore = 0;
  let commitsAfter = 0;
  const load = graphqlLoad(subscriberSide.port, rooms, token, 'roomcast');
  const measured = await runLoad({
    server: { pids: [publisher.pid, subscriberSide.pid, stack.redis.pid], trees: [stack.postgres.pid] },
    rssPid: subscriberSide.pid,
    load: { ...load, publishUrl: `http://127.0.0.1:${publisher.port}/graphql`, publishWsUrl: `ws://127.0.0.1:${publisher.port}/graphql` },
    window: {
      open: async () => {
        [callsBefore, commitsBefore] = await Promise.all([commandCalls(), commits()]);
      },
      close: async () => {
        [callsAfter, commitsAfter] = await Promise.all([commandCalls(), commits()]);
      },
    },
  });
  // Every command Redis ran and every transaction PostgreSQL committed in the measured window (background
  // heartbeats, sweeps and timer polls included, and the probes themselves), per published message.
  results['postgres'] = {
    ...measured,
    redisCommandsPerPublish: round((callsAfter - callsBefore) / Math.max(1, measured.published)),
    postgresCommitsPerPublish: round((commitsAfter - commitsBefore) / Math.max(1, measured.published)),
  };
  probe.disconnect();
  await database.end();
  await stop(publisher.child);
  await stop(subscriberSide.child);
  await stack.stop();
  console.log('postgres', JSON.stringify(results['postgres']));
}

const run: FanoutRun = {
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  parameters: { subscribers, roomCount, ratePerSecond, durationMs, publishOver, silentDurationMs },
  results,
};
const report = renderFanout(run);
console.log(`\n${report}`);
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(`${values.out}.json`, `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(`${values.out}.md`, `${report}\n`);
process.exit(0);
