// What one `sendMessage` over HTTP costs the server, back to back (issue 20, "Performance II").
//   npm run bench:publish                                        (every variant below, 5 rounds)
//   npm run bench:publish -- --variants all,no:requestLog --rounds 7 --count 3000
//   npm run bench:publish -- --variants all --cpu-prof /tmp/prof (a CPU profile of each measured window)
// The server is createApp on the memory engine in this process; the client is a child process with one
// keep-alive connection, so process.cpuUsage() here is the server's CPU alone. Allocation is counted with
// v8.GCProfiler: what the heap held before each GC minus what it held after the one before.
// Variants: `all` (the server as it runs), `no:<plugin>` (a per-request plugin left out, by its name in
// transport/yoga.ts or app.ts; several joined by +, e.g. `no:retryAfter+httpCaching`), `id` (the document sent by its trusted-document id, not its text),
// `jit:on` / `jit:off` (GRAPHQL_JIT). Rounds run the variants in turn, each on a fresh app after a warm-up.
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { createApp } from '../../src/app.js';
import { signToken } from '../../src/auth/jwt.js';
import { loadConfig } from '../../src/config/config.js';
import { composeEngine } from '../../src/engine/compose-engine.js';
import { createMemoryRealtime } from '../../src/engine/memory/memory-realtime.js';
import { createMemoryStore } from '../../src/engine/memory/memory-store.js';
import { systemClock } from '../../src/lib/clock.js';
import { bufferedDestination, createLogger, LOG_BUFFER_BYTES } from '../../src/observability/logger.js';
import { loadTrustedDocuments } from '../../src/transport/plugins/use-trusted-documents.js';
import { round } from '../stats.js';
import { summarizeAllocations, summarizeProfile, type CpuProfile, type SamplingHeapProfile } from './profile-summary.js';

const PLUGINS = ['paramsDepth', 'trustedDocuments', 'queryLimits', 'errorCodes', 'wellFormedStrings', 'requestLog', 'operationMetrics', 'retryAfter', 'httpCaching'];

const { values } = parseArgs({
  options: {
    variants: { type: 'string', default: ['all', 'id', ...PLUGINS.map((name) => `no:${name}`)].join(',') },
    rounds: { type: 'string', default: '5' },
    count: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '1000' },
    'cpu-prof': { type: 'string' },
    /** Where the measured window allocates, from V8's sampling heap profiler (collected objects included). */
    'heap-prof': { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});
const variants = values.variants.split(',').filter(Boolean);
const rounds = Number(values.rounds);
const count = Number(values.count);
const warmup = Number(values.warmup);
const SECRET = 'bench-secret-0123456789abcdef';

const documents = loadTrustedDocuments();
const [sendId, sendText] = [...documents].find(([, text]) => text.includes('mutation SendMessage')) ?? [];
if (!sendId || !sendText) throw new Error('no SendMessage in the trusted documents');

const bodiesFor = (variant: string, roomId: string): string[] =>
  Array.from({ length: 16 }, (_, i) => {
    const variables = { input: { roomId, body: `hello ${i} from the publish profile` } };
    return JSON.stringify(
      variant === 'id'
        ? { operationName: 'SendMessage', variables, extensions: { persistedQuery: { version: 1, sha256Hash: sendId } } }
        : { operationName: 'SendMessage', query: sendText, variables },
    );
  });

const client = fork(fileURLToPath(new URL('./client.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
const ask = (job: { url: string; token: string; bodies: string[]; count: number }): Promise<void> =>
  new Promise((resolve, reject) => {
    client.once('message', (answer: { error?: string }) => (answer.error ? reject(new Error(answer.error)) : resolve()));
    client.send(job);
  });

interface Sample {
  cpuUs: number;
  userUs: number;
  allocatedBytes: number;
}

/** Bytes allocated on the JS heap between start and stop, from the heap sizes around each GC. */
const countAllocations = () => {
  const profiler = new GCProfiler();
  const startUsed = getHeapStatistics().used_heap_size;
  profiler.start();
  return () => {
    const endUsed = getHeapStatistics().used_heap_size;
    const { statistics } = profiler.stop();
    let allocated = 0;
    let last = startUsed;
    for (const gc of statistics) {
      allocated += gc.beforeGC.heapStatistics.usedHeapSize - last;
      last = gc.afterGC.heapStatistics.usedHeapSize;
    }
    return allocated + endUsed - last;
  };
};

const measure = async (variant: string, profileTo: string | undefined): Promise<Sample> => {
  const jit = variant.startsWith('jit:') ? { GRAPHQL_JIT: variant === 'jit:on' ? 'true' : 'false' } : {};
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', JWT_SECRET: SECRET, NODE_ENV: 'production', LOG_LEVEL: 'info', RATE_LIMIT_MESSAGES: '999999/1', ...jit });
  // As main.ts logs (buffered JSON lines), into /dev/null.
  const logger = createLogger(config.logLevel, bufferedDestination({ dest: '/dev/null', minLength: LOG_BUFFER_BYTES }));
  const engine = composeEngine(createMemoryStore(), createMemoryRealtime());
  const omitPlugins = new Set(variant.startsWith('no:') ? variant.slice(3).split('+') : []);
  const app = createApp({ config, engine, clock: systemClock, logger, omitPlugins });
  const { port } = await app.listen();
  const url = `http://127.0.0.1:${port}/graphql`;
  const token = await signToken({ secret: SECRET, userId: 'bench', name: 'Bench' });
  const created = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: 'mutation { createRoom(input: { name: "bench" }) { id } }' }),
  });
  const roomId = ((await created.json()) as { data: { createRoom: { id: string } } }).data.createRoom.id;
  const bodies = bodiesFor(variant, roomId);
  try {
    await ask({ url, token, bodies, count: warmup });
    const session = profileTo || values['heap-prof'] ? new Session() : undefined;
    if (session) session.connect();
    if (session && profileTo) {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    if (session && values['heap-prof']) {
      await session.post('HeapProfiler.enable');
      await session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    }
    const allocations = countAllocations();
    const before = process.cpuUsage();
    await ask({ url, token, bodies, count });
    const cpu = process.cpuUsage(before);
    const allocatedBytes = allocations();
    if (session && values['heap-prof']) {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      console.log(`\n${variant}: allocation by function (sampled)\n${summarizeAllocations(profile as SamplingHeapProfile, count, 40)}`);
    }
    if (session && profileTo) {
      const { profile } = await session.post('Profiler.stop');
      mkdirSync(profileTo, { recursive: true });
      const file = `${profileTo}/${variant.replace(/[^\w-]/g, '_')}.cpuprofile`;
      writeFileSync(file, JSON.stringify(profile));
      console.log(`\n${variant}: ${file}\n${summarizeProfile(profile as CpuProfile, 30)}`);
    }
    session?.disconnect();
    return { cpuUs: (cpu.user + cpu.system) / count, userUs: cpu.user / count, allocatedBytes: allocatedBytes / count };
  } finally {
    await app.close();
    await engine.close();
  }
};

const samples = new Map<string, Sample[]>(variants.map((variant) => [variant, []]));
for (let r = 0; r < rounds; r += 1) {
  for (const variant of variants) {
    const sample = await measure(variant, r === 0 ? values['cpu-prof'] : undefined);
    samples.get(variant)?.push(sample);
    console.error(`round ${r + 1} ${variant}: ${round(sample.cpuUs, 1)} µs, ${round(sample.allocatedBytes / 1024, 1)} KiB`);
  }
}
client.disconnect();

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
};
const base = median(samples.get(variants[0] ?? '')?.map((s) => s.cpuUs) ?? []);
const rows = variants.map((variant) => {
  const list = samples.get(variant) ?? [];
  const cpu = list.map((s) => s.cpuUs);
  return {
    variant,
    cpuUsMedian: round(median(cpu), 1),
    cpuUsRange: [round(Math.min(...cpu), 1), round(Math.max(...cpu), 1)],
    userUsMedian: round(median(list.map((s) => s.userUs)), 1),
    vsFirst: round(median(cpu) - base, 1),
    allocatedKiBMedian: round(median(list.map((s) => s.allocatedBytes)) / 1024, 2),
  };
});
console.log(`\n${count} sequential sendMessage per sample (after ${warmup} to warm up), ${rounds} rounds; Node ${process.version}`);
console.log('| variant | server CPU µs per publish, median (range) | of which user | Δ vs first | allocated KiB per publish |');
console.log('| --- | --- | --- | --- | --- |');
for (const row of rows) {
  console.log(`| ${row.variant} | ${row.cpuUsMedian} (${row.cpuUsRange.join('–')}) | ${row.userUsMedian} | ${row.vsFirst} | ${row.allocatedKiBMedian} |`);
}
if (values.out) writeFileSync(values.out, `${JSON.stringify({ node: process.version, count, warmup, rounds, rows }, null, 2)}\n`);
