// The fan-out tables, from a run's JSON: written by run.ts next to the JSON, and by bench/report.ts into
// docs/benchmarks.md. Older result files lack some figures (the user/kernel split, the publish-only phase);
// those cells read "—".
import { round } from '../stats.js';

export interface FanoutRow {
  deliveriesPerSecond: number;
  lost: number;
  duplicated: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  published?: number;
  cpuMicrosPerDelivery: number;
  cpuMicrosPerMessage?: number;
  userMicrosPerDelivery?: number;
  kernelMicrosPerDelivery?: number;
  rssBytesPerConnection: number;
  publishAloneMicros?: number;
  marginalMicrosPerDelivery?: number;
  redisCommandsPerPublish?: number;
  postgresCommitsPerPublish?: number;
}

export interface FanoutRun {
  machine: string;
  /** The command that wrote the run, and the 1/5/15-minute load averages at its start and end (older files lack them). */
  command?: string;
  loadAverage?: { start: number[]; end: number[]; cores?: number };
  parameters: {
    scenario?: 'fanout' | 'small-rooms';
    subscribers: number;
    roomCount: number;
    ratePerSecond: number;
    durationMs: number;
    /** Absent in runs recorded before the warm-up existed (they had none). */
    warmupMs?: number;
    /** Absent in runs recorded before the back-to-back warm-up existed (they had none). */
    warmupPublishes?: number;
    publishOver?: 'http' | 'ws';
    silentDurationMs?: number;
  };
  results: Record<string, unknown>;
}

const TARGET_NAMES: [string, string][] = [
  ['raw `ws` broadcast (the limit)', 'raw'],
  ['stock yoga + graphql-ws + createPubSub', 'yoga'],
  ['Mercurius (Fastify) + graphql-ws, in-memory pubsub', 'mercurius'],
  ['Socket.IO 4, rooms, in-memory adapter', 'socketio'],
  ['Roomcast, memory engine', 'memory'],
  ['Socket.IO 4 + Redis adapter, 2 instances', 'socketio-redis'],
  // Runs before PostgreSQL became the store of record measured Redis alone.
  ['Roomcast, Redis, 2 instances', 'redis'],
  ['Roomcast, PostgreSQL + Redis, 2 instances', 'postgres'],
  ['Socket.IO + Redis adapter + one PostgreSQL INSERT per message, 2 instances', 'socketio-redis-pg'],
];

export const targetKeys = TARGET_NAMES.map(([, key]) => key);

interface Check {
  what: string;
  measured: string;
  holds: boolean;
  /** Why this verdict says little in this run. */
  caveat?: string;
}

/**
 * Issue 20's targets, judged on one run: which hold and which do not. The fan-out and small-room loads
 * compare Roomcast's memory engine (one process, as the single-process baselines); the durable pair
 * compares the two 2-instance stacks, CPU of every server-side process per published message.
 */
export const judgeTargets = (run: FanoutRun): Check[] => {
  const row = (key: string) => run.results[key] as FanoutRow | undefined;
  const raw = row('raw');
  const memory = row('memory');
  const checks: Check[] = [];
  const times = (value: number, base: number) => `${round(value / base)}×`;
  // Latency is wall-clock time: with more runnable work than cores, it measures the other work as much as
  // the targets (raw's own p99 moves by tens of times between such runs). CPU time is far less affected.
  const { loadAverage } = run;
  const busiest = loadAverage ? Math.max(loadAverage.start[0] ?? 0, loadAverage.end[0] ?? 0) : 0;
  const latencyCaveat =
    loadAverage?.cores !== undefined && busiest > loadAverage.cores ? `load average up to ${busiest} on ${loadAverage.cores} cores: latency unreliable in this run` : undefined;
  const cpuAtMost = (what: string, key: string) => {
    const other = row(key);
    if (!memory || !other) return;
    checks.push({
      what,
      measured: `${round(memory.cpuMicrosPerDelivery)} vs ${round(other.cpuMicrosPerDelivery)} µs (${times(memory.cpuMicrosPerDelivery, other.cpuMicrosPerDelivery)})`,
      holds: memory.cpuMicrosPerDelivery <= other.cpuMicrosPerDelivery,
    });
  };
  if (run.parameters.scenario === 'small-rooms') {
    cpuAtMost('CPU per delivery ≤ Mercurius (required)', 'mercurius');
    cpuAtMost('CPU per delivery ≤ Socket.IO (goal)', 'socketio');
  } else {
    cpuAtMost('CPU per delivery ≤ Socket.IO (required)', 'socketio');
    if (memory && raw) {
      checks.push({
        what: 'CPU per delivery ≤ 1.3× raw (goal)',
        measured: times(memory.cpuMicrosPerDelivery, raw.cpuMicrosPerDelivery),
        holds: memory.cpuMicrosPerDelivery <= 1.3 * raw.cpuMicrosPerDelivery,
      });
    }
  }
  if (raw) {
    for (const key of ['memory', 'postgres']) {
      const target = row(key);
      if (!target) continue;
      const name = key === 'memory' ? 'memory engine' : 'PostgreSQL + Redis';
      checks.push({
        what: `p99 publish→deliver ≤ 2× raw (${name})`,
        measured: `${round(target.latencyMs.p99)} vs ${round(raw.latencyMs.p99)} ms (${times(target.latencyMs.p99, raw.latencyMs.p99)})`,
        holds: target.latencyMs.p99 <= 2 * raw.latencyMs.p99,
        caveat: latencyCaveat,
      });
    }
    if (memory) {
      checks.push({
        what: 'RSS per idle connection ≤ 1.2× raw (memory engine)',
        measured: `${round(memory.rssBytesPerConnection / 1024, 1)} vs ${round(raw.rssBytesPerConnection / 1024, 1)} KB (${times(memory.rssBytesPerConnection, raw.rssBytesPerConnection)})`,
        holds: memory.rssBytesPerConnection <= 1.2 * raw.rssBytesPerConnection,
      });
    }
  }
  const durable = row('postgres');
  const replaced = row('socketio-redis-pg');
  if (durable?.cpuMicrosPerMessage !== undefined && replaced?.cpuMicrosPerMessage !== undefined) {
    checks.push({
      what: 'Durable pair: CPU per message ≤ Socket.IO + Redis adapter + INSERT',
      measured: `${round(durable.cpuMicrosPerMessage, 0)} vs ${round(replaced.cpuMicrosPerMessage, 0)} µs (${times(durable.cpuMicrosPerMessage, replaced.cpuMicrosPerMessage)})`,
      holds: durable.cpuMicrosPerMessage <= replaced.cpuMicrosPerMessage,
    });
  }
  const present = TARGET_NAMES.filter(([, key]) => row(key) !== undefined);
  const faulty = present.filter(([, key]) => (row(key)?.lost ?? 0) > 0 || (row(key)?.duplicated ?? 0) > 0);
  checks.push({
    what: '0 lost, 0 duplicated, every target',
    measured: faulty.length === 0 ? `${present.length} targets` : faulty.map(([, key]) => `${key}: ${row(key)?.lost} / ${row(key)?.duplicated}`).join(', '),
    holds: faulty.length === 0,
  });
  return checks;
};

/** "20000 publishes back to back to an empty room, then ", or nothing for runs without them. */
const primed = (publishes: number | undefined): string => (publishes ? `${publishes} publishes back to back to an empty room, then ` : '');

export const renderFanout = (run: FanoutRun): string => {
  const { parameters, results } = run;
  // Every value under `results` except `resume` is a target's row (run.ts writes them).
  const rowOf = (key: string) => results[key] as FanoutRow;
  const raw = results['raw'] === undefined ? undefined : rowOf('raw');
  const ratio = (value: number | undefined, base: number | undefined) => (value !== undefined && base ? ` (${round(value / base)}×)` : '');
  const figure = (value: number | undefined, digits: number) => (value === undefined ? '—' : String(round(value, digits)));
  const present = TARGET_NAMES.filter(([, key]) => results[key] !== undefined);
  const line = (name: string, key: string) => {
    const row = rowOf(key);
    const latency = [row.latencyMs.p50, row.latencyMs.p90, row.latencyMs.p99, row.latencyMs.max].map((ms) => round(ms)).join(' / ');
    return `| ${name} | ${round(row.deliveriesPerSecond, 0)} | ${row.lost} / ${row.duplicated} | ${latency} | ${round(row.cpuMicrosPerDelivery)}${ratio(row.cpuMicrosPerDelivery, raw?.cpuMicrosPerDelivery)} | ${figure(row.userMicrosPerDelivery, 1)} / ${figure(row.kernelMicrosPerDelivery, 1)} | ${figure(row.cpuMicrosPerMessage, 0)} | ${round(row.rssBytesPerConnection / 1024, 1)}${ratio(row.rssBytesPerConnection, raw?.rssBytesPerConnection)} |`;
  };
  const splitLine = (name: string, key: string) => {
    const row = rowOf(key);
    return `| ${name} | ${figure(row.publishAloneMicros, 0)}${ratio(row.publishAloneMicros, raw?.publishAloneMicros)} | ${figure(row.marginalMicrosPerDelivery, 1)}${ratio(row.marginalMicrosPerDelivery, raw?.marginalMicrosPerDelivery)} |`;
  };
  const over = parameters.publishOver === 'ws' ? 'one WebSocket' : 'HTTP';
  const load = run.loadAverage
    ? ` Load average (1/5/15 min) ${run.loadAverage.start.join(' / ')} at the start and ${run.loadAverage.end.join(' / ')} at the end: other work shared the cores, which shows in latency more than in CPU time.`
    : '';
  const silentSeconds = (parameters.silentDurationMs ?? Math.max(3_000, parameters.durationMs / 2)) / 1000;
  const hasSplit = present.some(([, key]) => rowOf(key).publishAloneMicros !== undefined);
  const lines = [
    `${parameters.subscribers} subscribers over ${parameters.roomCount} rooms, ${parameters.ratePerSecond} messages/s for ${parameters.durationMs / 1000} s after ${primed(parameters.warmupPublishes)}${(parameters.warmupMs ?? 0) / 1000} s of the same load unmeasured, published over ${over}; ${run.machine}.${load}`,
    '',
    '| target | deliveries/s | lost / dup | latency ms p50 / p90 / p99 / max | server CPU µs per delivery (× raw) | of which user / kernel µs | server CPU µs per message | RSS KB per idle connection (× raw) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...present.map(([name, key]) => line(name, key)),
  ];
  if (hasSplit) {
    lines.push(
      '',
      `Where the CPU goes: each target then took ${silentSeconds} s of publishes at the same rate to a room nobody subscribed to. A delivery's marginal cost is what the measured phase spent beyond that many publishes alone, per delivery.`,
      '',
      '| target | server CPU µs per publish alone (× raw) | marginal server CPU µs per delivery (× raw) |',
      '| --- | --- | --- |',
      ...present.map(([name, key]) => splitLine(name, key)),
    );
  }
  const checks = judgeTargets(run);
  if (checks.length > 1) {
    lines.push(
      '',
      "Issue 20's targets in this run (Roomcast's memory engine against the single-process baselines; the durable pair: both 2-instance stacks, every server-side process, per published message):",
      '',
      '| target | measured | holds |',
      '| --- | --- | --- |',
      ...checks.map((check) => `| ${check.what} | ${check.measured} | ${check.holds ? 'yes' : '**no**'}${check.caveat ? ` (${check.caveat})` : ''} |`),
    );
  }
  const stacks = present
    .map(([name, key]) => ({ name, row: rowOf(key) }))
    .filter(({ row }) => row.redisCommandsPerPublish !== undefined && row.postgresCommitsPerPublish !== undefined);
  const redis = results['redis'] === undefined ? undefined : rowOf('redis');
  const resume = results['resume'] as { missedMessages: number; replayMs: number } | undefined;
  const extras = [
    ...stacks.map(
      ({ name, row }) =>
        `${name}: ${row.redisCommandsPerPublish} Redis commands and ${row.postgresCommitsPerPublish} PostgreSQL transactions per published message (background upkeep included). Its server CPU counts both instances, redis-server, and the postmaster with all its backends.`,
    ),
    results['socketio-redis'] !== undefined
      ? `Socket.IO + Redis adapter: ${rowOf('socketio-redis').redisCommandsPerPublish} Redis commands per published message; its server CPU counts both instances and redis-server.`
      : '',
    redis?.redisCommandsPerPublish !== undefined ? `Redis commands per published message: ${redis.redisCommandsPerPublish}` : '',
    resume ? `Resume (memory engine): ${resume.missedMessages} missed messages replayed in ${resume.replayMs} ms.` : '',
  ].filter(Boolean);
  return [lines.join('\n'), ...extras].join('\n\n');
};
