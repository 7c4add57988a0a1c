// Fan-out benchmark: the same load against every target in one invocation, in one of two named scenarios.
//   npm run bench                                  (fan-out: 2,000 subscribers, 20 rooms, 100 msg/s, 8 s)
//   npm run bench -- --scenario small-rooms        (2,000 subscribers, 1,000 rooms of two, 500 msg/s)
//   npm run bench -- --scenario fanout,small-rooms (both loads, one after the other, in one invocation)
//   npm run bench -- --subscribers 10000 --rooms 100 --rate 200 --duration-ms 15000
//   npm run bench -- --targets raw,memory         (a subset)
//   npm run bench -- --targets memory --profile /tmp/prof   (CPU profiles of the servers)
//   npm run bench -- --publish-over ws             (every target publishes over one WebSocket, not HTTP)
//   npm run bench -- --warmup-publishes 0 --warmup-ms 0   (a cold server)
// Targets: raw, yoga, mercurius, socketio (in-memory adapter), memory (Roomcast), socketio-redis (Redis
// adapter, 2 instances), postgres (Roomcast on PostgreSQL + Redis, 2 instances) and socketio-redis-pg (the
// stack Roomcast replaces: Socket.IO + Redis adapter + one INSERT per message, 2 instances).
// Only ratios within one run mean much: the load generator shares the machine with the server.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import pg from 'pg';
import { signToken } from '../../src/auth/jwt.js';
import { migrate } from '../../src/engine/postgres/postgres-migrate.js';
import { createDatabase, startPostgres } from '../../test/helpers/postgres-server.js';
import { startRedis } from '../../test/helpers/redis-server.js';
import { startSharedStack } from '../../test/helpers/shared-stack.js';
import { round } from '../stats.js';
import { cpuTimes, rssBytes } from '../../test/helpers/proc-stats.js';
import { treeCpuTimes } from '../process-tree-cpu.js';
import { measureResume } from './resume.js';
import { renderFanout, type FanoutRun } from './render.js';

/** The named loads of issue 20: subscribers, rooms, total publish rate. */
const SCENARIOS = {
  fanout: { subscribers: 2_000, rooms: 20, rate: 100 },
  'small-rooms': { subscribers: 2_000, rooms: 1_000, rate: 500 },
} as const;
const ALL_TARGETS = 'raw,yoga,mercurius,socketio,memory,socketio-redis,postgres,socketio-redis-pg';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'fanout' },
    subscribers: { type: 'string' },
    rooms: { type: 'string' },
    rate: { type: 'string' },
    'duration-ms': { type: 'string', default: '8000' },
    /**
     * Unmeasured load before the measured phase, the same for every target (0: none): a server that has
     * run for a while has had its hot paths optimized by V8, and that is the server users run.
     */
    'warmup-ms': { type: 'string', default: '10000' },
    /**
     * Before that, this many publishes back to back (4 in flight) to the room nobody subscribed to, for
     * every target alike (0: none). At 100 messages a second, 10 s of load is 1,000 publishes: not enough
     * for V8 to optimize a deep request path such as a GraphQL server's, which a server in production
     * has served many times over (docs/performance.md, "A publish when the server is not busy").
     */
    'warmup-publishes': { type: 'string', default: '20000' },
    targets: { type: 'string', default: ALL_TARGETS },
    'publish-over': { type: 'string', default: 'http' },
    /** Default: 10,000 in the fan-out scenario, none (0) in small-rooms. */
    'resume-messages': { type: 'string' },
    /** Write a V8 CPU profile of every server process into this directory (node --cpu-prof). */
    profile: { type: 'string' },
    /** Default: bench/results/<scenario>. */
    out: { type: 'string' },
  },
});
const scenarioNames = (values.scenario ?? 'fanout').split(',');
if (scenarioNames.length > 1) {
  // Both loads in one invocation: each in a process of its own (this script with one scenario), in turn,
  // every other flag passed on; each still writes bench/results/<scenario>.
  if (values.out) throw new Error('--out takes one scenario');
  const rest = process.argv.slice(2).filter((arg, i, args) => arg !== '--scenario' && args[i - 1] !== '--scenario' && !arg.startsWith('--scenario='));
  const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`;
  for (const name of scenarioNames) {
    const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--scenario', name, ...rest], {
      stdio: 'inherit',
      env: { ...process.env, ROOMCAST_BENCH_COMMAND: command },
    });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
  process.exit(0);
}
const scenarioName = scenarioNames[0] ?? 'fanout';
if (scenarioName !== 'fanout' && scenarioName !== 'small-rooms') throw new Error('--scenario is fanout or small-rooms');
const scenario = SCENARIOS[scenarioName];
const outPath = values.out ?? `bench/results/${scenarioName}`;
const root = fileURLToPath(new URL('../../', import.meta.url));
const SECRET = 'bench-secret-0123456789abcdef';
const subscribers = Number(values.subscribers ?? scenario.subscribers);
const roomCount = Number(values.rooms ?? scenario.rooms);
const ratePerSecond = Number(values.rate ?? scenario.rate);
const publishOver = values['publish-over'];
if (publishOver !== 'http' && publishOver !== 'ws') throw new Error('--publish-over is http or ws');
const durationMs = Number(values['duration-ms']);
const warmupMs = Number(values['warmup-ms']);
const warmupPublishes = Number(values['warmup-publishes']);
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
const MERCURIUS_ENTRY = '.bench-build/mercurius-server.js';
const SOCKETIO_ENTRY = '.bench-build/socketio-server.js';
const buildTargets = async (): Promise<void> => {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('building the server failed');
  await build({
    entryPoints: ['raw-ws-server', 'stock-yoga-server', 'mercurius-server', 'socketio-server'].map((name) => `bench/fanout/targets/${name}.ts`),
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
  /** Server CPU of the measured phase per published message (the durable pair's comparison). */
  cpuMicrosPerMessage: number;
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
  const config = { subscribers, ratePerSecond, durationMs, warmupMs, warmupPublishes, publishOver, publishWsUrl: options.load['wsUrl'], silentDurationMs, ...options.load };
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
  load.stdin!.write('go\n');
  await next(); // warmed up
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
    cpuMicrosPerMessage: (measured.userMicros + measured.kernelMicros) / Math.max(1, result.published),
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

/** Counts, over the measured window, every command Redis ran and every transaction PostgreSQL committed. */
const stackCounters = async (stack: { redisUrl: string; databaseUrl?: string }) => {
  const probe = new Redis(stack.redisUrl);
  const commandCalls = async () => [...(await probe.info('commandstats')).matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
  const database = stack.databaseUrl ? new pg.Client({ connectionString: stack.databaseUrl }) : undefined;
  await database?.connect();
  // Transactions committed in this database, from the cumulative statistics (flushed about once a second).
  const commits = async () => {
    if (!database) return 0;
    await database.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await database.query<{ xact_commit: string }>('SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()');
    return Number(rows[0]?.xact_commit ?? 0);
  };
  let before = [0, 0];
  let after = [0, 0];
  return {
    window: {
      open: async () => {
        before = await Promise.all([commandCalls(), commits()]);
      },
      close: async () => {
        after = await Promise.all([commandCalls(), commits()]);
      },
    },
    /** Background heartbeats, sweeps and polls included, and the probes themselves, per published message. */
    perPublish: (published: number) => ({
      redisCommandsPerPublish: round(((after[0] ?? 0) - (before[0] ?? 0)) / Math.max(1, published)),
      ...(database ? { postgresCommitsPerPublish: round(((after[1] ?? 0) - (before[1] ?? 0)) / Math.max(1, published)) } : {}),
    }),
    close: async () => {
      probe.disconnect();
      await database?.end();
    },
  };
};

const socketIoLoad = (publisher: number, subscriberSide: number, rooms: Rooms) => ({
  protocol: 'socketio',
  publish: 'raw',
  wsUrl: `http://127.0.0.1:${subscriberSide}`,
  publishUrl: `http://127.0.0.1:${publisher}/publish`,
  publishWsUrl: `http://127.0.0.1:${publisher}`,
  ...rooms,
  subscribeQuery: '',
  publishQuery: '',
});

/** Socket.IO with the Redis adapter on two instances (publishes to one, subscribers on the other), as Roomcast's shared target. */
const runSocketIoRedis = async (key: string, withPostgres: boolean) => {
  const redis = await startRedis();
  const postgres = withPostgres ? await startPostgres() : undefined;
  const databaseUrl = postgres ? await createDatabase(postgres) : undefined;
  if (databaseUrl) {
    // Roomcast's own schema, so that the INSERT writes the same table shape and indexes; one row per room.
    await migrate({ url: databaseUrl, connectTimeoutMs: 10_000, statementTimeoutMs: 60_000 });
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(
      `INSERT INTO rooms (id, name, private, owner_id, created_at) SELECT id, id, false, 'bench', 0 FROM unnest($1::text[]) AS id`,
      [[...plainRooms.rooms, plainRooms.silentRoom]],
    );
    await client.end();
  }
  const env = { REDIS_URL: redis.url, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  const publisher = await startProcess(SOCKETIO_ENTRY, env);
  const subscriberSide = await startProcess(SOCKETIO_ENTRY, env);
  const counters = await stackCounters({ redisUrl: redis.url, databaseUrl });
  const measured = await runLoad({
    server: { pids: [publisher.pid, subscriberSide.pid, redis.pid], trees: postgres ? [postgres.pid] : [] },
    rssPid: subscriberSide.pid,
    load: socketIoLoad(publisher.port, subscriberSide.port, plainRooms),
    window: counters.window,
  });
  results[key] = { ...measured, ...counters.perPublish(measured.published) };
  await counters.close();
  await stop(publisher.child);
  await stop(subscriberSide.child);
  await Promise.all([redis.stop(), postgres?.stop()]);
  console.log(key, JSON.stringify(results[key]));
};

// Other work on the machine shows in latency more than in CPU time: the run records the load around it.
const loadAtStart = loadavg();
await buildTargets();
const results: Record<string, unknown> = {};
const targets = (values.targets ?? '').split(',');
const token = await signToken({ secret: SECRET, userId: 'bench', expiresInSec: 3_600 });
const plainRooms: Rooms = { rooms: Array.from({ length: roomCount }, (_, i) => `room-${i}`), silentRoom: 'room-silent' };
const resumeMessages = Number(values['resume-messages'] ?? (scenarioName === 'fanout' ? 10_000 : 0));

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
if (targets.includes('mercurius')) {
  const server = await startProcess(MERCURIUS_ENTRY, { NODE_ENV: 'production' });
  // The same schema shapes as stock yoga.
  results['mercurius'] = await runLoad({ server: { pids: [server.pid] }, rssPid: server.pid, load: graphqlLoad(server.port, plainRooms, undefined, 'yoga') });
  await stop(server.child);
  console.log('mercurius', JSON.stringify(results['mercurius']));
}
if (targets.includes('socketio')) {
  const server = await startProcess(SOCKETIO_ENTRY, { NODE_ENV: 'production' });
  results['socketio'] = await runLoad({ server: { pids: [server.pid] }, rssPid: server.pid, load: socketIoLoad(server.port, server.port, plainRooms) });
  await stop(server.child);
  console.log('socketio', JSON.stringify(results['socketio']));
}
if (targets.includes('memory')) {
  const server = await startProcess(SERVER_ENTRY, roomcastEnv());
  const rooms = await createRooms(server.port, token);
  results['memory'] = await runLoad({ server: { pids: [server.pid] }, rssPid: server.pid, load: graphqlLoad(server.port, rooms, token, 'roomcast') });
  if (resumeMessages > 0) results['resume'] = await measureResume(server.port, token, resumeMessages);
  await stop(server.child);
  console.log('memory', JSON.stringify(results['memory']));
}
if (targets.includes('socketio-redis')) await runSocketIoRedis('socketio-redis', false);
if (targets.includes('postgres')) {
  // The many-instances topology: both instances share a fresh PostgreSQL database (the store) and Redis
  // (the bus, presence, limits). Every server-side process is measured: the two instances, redis-server,
  // and the postmaster with all its backends.
  const stack = await startSharedStack();
  const env = roomcastEnv(stack.env);
  const publisher = await startProcess(SERVER_ENTRY, env);
  const subscriberSide = await startProcess(SERVER_ENTRY, env);
  const rooms = await createRooms(publisher.port, token);
  const counters = await stackCounters({ redisUrl: stack.redis.url, databaseUrl: stack.env.DATABASE_URL });
  const load = graphqlLoad(subscriberSide.port, rooms, token, 'roomcast');
  const measured = await runLoad({
    server: { pids: [publisher.pid, subscriberSide.pid, stack.redis.pid], trees: [stack.postgres.pid] },
    rssPid: subscriberSide.pid,
    load: { ...load, publishUrl: `http://127.0.0.1:${publisher.port}/graphql`, publishWsUrl: `ws://127.0.0.1:${publisher.port}/graphql` },
    window: counters.window,
  });
  results['postgres'] = { ...measured, ...counters.perPublish(measured.published) };
  await counters.close();
  await stop(publisher.child);
  await stop(subscriberSide.child);
  await stack.stop();
  console.log('postgres', JSON.stringify(results['postgres']));
}
if (targets.includes('socketio-redis-pg')) await runSocketIoRedis('socketio-redis-pg', true);

const run: FanoutRun = {
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
  loadAverage: { start: loadAtStart.map((value) => round(value, 1)), end: loadavg().map((value) => round(value, 1)), cores: availableParallelism() },
  command: process.env['ROOMCAST_BENCH_COMMAND'] ?? `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
  parameters: { scenario: scenarioName, subscribers, roomCount, ratePerSecond, durationMs, warmupMs, warmupPublishes, publishOver, silentDurationMs },
  results,
};
const report = renderFanout(run);
console.log(`\n${report}`);
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(`${outPath}.json`, `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(`${outPath}.md`, `${report}\n`);
process.exit(0);
