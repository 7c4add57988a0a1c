// The fan-out tables, from a run's JSON: written by run.ts next to the JSON, and by bench/report.ts into
// docs/benchmarks.md. Older result files lack some figures (the user/kernel split, the publish-only phase);
// those cells read "—".
import { round } from '../stats.js';

export interface FanoutRow {
  deliveriesPerSecond: number;
  lost: number;
  duplicated: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  cpuMicrosPerDelivery: number;
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
  parameters: { subscribers: number; roomCount: number; ratePerSecond: number; durationMs: number; publishOver?: 'http' | 'ws'; silentDurationMs?: number };
  results: Record<string, unknown>;
}

const TARGET_NAMES: [string, string][] = [
  ['raw `ws` broadcast (the limit)', 'raw'],
  ['stock yoga + graphql-ws + createPubSub', 'yoga'],
  ['Roomcast, memory engine', 'memory'],
  // Runs before PostgreSQL became the store of record measured Redis alone.
  ['Roomcast, Redis, 2 instances', 'redis'],
  ['Roomcast, PostgreSQL + Redis, 2 instances', 'postgres'],
];

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
    return `| ${name} | ${round(row.deliveriesPerSecond, 0)} | ${row.lost} / ${row.duplicated} | ${latency} | ${round(row.cpuMicrosPerDelivery)}${ratio(row.cpuMicrosPerDelivery, raw?.cpuMicrosPerDelivery)} | ${figure(row.userMicrosPerDelivery, 1)} / ${figure(row.kernelMicrosPerDelivery, 1)} | ${round(row.rssBytesPerConnection / 1024, 1)}${ratio(row.rssBytesPerConnection, raw?.rssBytesPerConnection)} |`;
  };
  const splitLine = (name: string, key: string) => {
    const row = rowOf(key);
    return `| ${name} | ${figure(row.publishAloneMicros, 0)}${ratio(row.publishAloneMicros, raw?.publishAloneMicros)} | ${figure(row.marginalMicrosPerDelivery, 1)}${ratio(row.marginalMicrosPerDelivery, raw?.marginalMicrosPerDelivery)} |`;
  };
  const over = parameters.publishOver === 'ws' ? 'one WebSocket' : 'HTTP';
  const silentSeconds = (parameters.silentDurationMs ?? Math.max(3_000, parameters.durationMs / 2)) / 1000;
  const hasSplit = present.some(([, key]) => rowOf(key).publishAloneMicros !== undefined);
  const lines = [
    `${parameters.subscribers} subscribers over ${parameters.roomCount} rooms, ${parameters.ratePerSecond} messages/s for ${parameters.durationMs / 1000} s, published over ${over}; ${run.machine}.`,
    '',
    '| target | deliveries/s | lost / dup | latency ms p50 / p90 / p99 / max | server CPU µs per delivery (× raw) | of which user / kernel µs | RSS KB per idle connection (× raw) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
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
  const postgres = results['postgres'] === undefined ? undefined : rowOf('postgres');
  const redis = results['redis'] === undefined ? undefined : rowOf('redis');
  const resume = results['resume'] as { missedMessages: number; replayMs: number } | undefined;
  const extras = [
    postgres
      ? `PostgreSQL + Redis: ${postgres.redisCommandsPerPublish} Redis commands and ${postgres.postgresCommitsPerPublish} PostgreSQL transactions per published message (background upkeep included). Its server CPU counts both instances, redis-server, and the postmaster with all its backends.`
      : '',
    redis?.redisCommandsPerPublish !== undefined ? `Redis commands per published message: ${redis.redisCommandsPerPublish}` : '',
    resume ? `Resume (memory engine): ${resume.missedMessages} missed messages replayed in ${resume.replayMs} ms.` : '',
  ].filter(Boolean);
  return [lines.join('\n'), ...extras].join('\n\n');
};
