// Timer tick lateness: N running timers with S subscribers each, in one process, on real time, delivered
// as graphql-ws subscriptions are (subscribeDirect: grouped payloads, frames built per subscriber) to
// sockets that only read the frame back.
//   npm run bench:timers                       (1,000 timers x 10 subscribers, 6 s countdowns)
//   npm run bench:timers -- --timers 2000 --subscribers 10 --duration-ms 10000
// Lateness = when a subscriber received a tick - the tick's ideal instant (endsAt - remainingMs).
// The baseline, run first in the same invocation, is bare setTimeouts aimed at the same instants with
// no Roomcast work: the lateness the event loop itself gives. Only ratios within one run mean much.
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Socket } from 'node:net';
import type { ServerSocket } from '../src/transport/server-socket.js';
import { parse } from 'graphql';
import { createMemoryEngine } from '../src/engine/memory/memory-engine.js';
import { systemClock } from '../src/lib/clock.js';
import { loadConfig } from '../src/config/config.js';
import { createServices } from '../src/services/index.js';
import { buildExecutableSchema } from '../src/transport/schema.js';
import { subscribeDirect, type SubscriptionMeter } from '../src/transport/direct-subscriptions.js';
import { createBroadcastGroups } from '../src/transport/broadcast/broadcast-groups.js';
import type { Context } from '../src/resolvers/context.js';
import { percentiles, round } from './stats.js';

const { values } = parseArgs({
  options: {
    timers: { type: 'string', default: '1000' },
    subscribers: { type: 'string', default: '10' },
    'duration-ms': { type: 'string', default: '6000' },
    'tick-ms': { type: 'string', default: '1000' },
    out: { type: 'string', default: 'bench/results/timers.json' },
  },
});
const timerCount = Number(values.timers);
const subscribersPerTimer = Number(values.subscribers);
const durationMs = Number(values['duration-ms']);
const tickMs = Number(values['tick-ms']);
const spreadMs = tickMs; // starts are spread over one tick so ticks do not all land on one instant

// What subscribeDirect needs of a socket: open, no extensions (frames are built here and written raw).
const fakeSocket = (onFrame: (frame: Buffer) => void): ServerSocket =>
  ({ readyState: 1, OPEN: 1, extensions: '', writeFrame: (_transport: Socket, frame: Buffer) => onFrame(frame) }) as unknown as ServerSocket;
// Corked and uncorked per tick by the coalesced writes of the queued path; never full.
const transport = { cork: () => undefined, uncork: () => undefined, writableLength: 0, writableNeedDrain: false, destroyed: false } as unknown as Socket;
const meter: SubscriptionMeter = { opened: () => undefined, closed: () => undefined, frames: { count: 0 } };
// One registry, as one server has.
const groups = createBroadcastGroups();
const REMAINING = Buffer.from('"remainingMs":');
// The top-level remainingMs comes first in the selection below, before the timer's own.
const remainingMsOf = (frame: Buffer): number | undefined => {
  const at = frame.indexOf(REMAINING);
  if (at < 0) return undefined;
  const value = Number.parseInt(frame.subarray(at + REMAINING.length, at + REMAINING.length + 16).toString('latin1'), 10);
  return Number.isNaN(value) ? undefined : value;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Measures CPU (user+system) per wall second from when `run` calls `steady()` (set-up done, only ticks
 * left) to its end.
 */
const measure = async (run: (steady: () => void) => Promise<number[]>) => {
  let cpuStart = process.cpuUsage();
  let wallStart = performance.now();
  const lateness = await run(() => {
    cpuStart = process.cpuUsage();
    wallStart = performance.now();
  });
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  return { lateness: percentiles(lateness), cpuMsPerSecond: round((cpu.user + cpu.system) / 1000 / (wallMs / 1000)), steadyWallMs: round(wallMs, 0) };
};

const baseline = () =>
  measure(async () => {
    const lateness: number[] = [];
    const start = Date.now() + 50;
    await Promise.all(
      Array.from({ length: timerCount }, async (_, i) => {
        const endsAt = start + (i * spreadMs) / timerCount + durationMs;
        for (let remaining = Math.floor((durationMs - 1) / tickMs) * tickMs; remaining >= 0; remaining -= tickMs) {
          const ideal = endsAt - remaining;
          await sleep(Math.max(0, ideal - Date.now()));
          const now = Date.now();
          for (let s = 0; s < subscribersPerTimer; s++) lateness.push(now - ideal);
        }
      }),
    );
    return lateness;
  });

const roomcast = () =>
  measure(async (steady) => {
    const engine = createMemoryEngine();
    const emitLateness: number[] = [];
    const services = createServices({
      engine,
      clock: systemClock,
      limits: loadConfig({ RATE_LIMIT_TIMERS: '100000/1', RATE_LIMIT_ROOMS: '100000/1' }).limits,
      onError: (error) => console.error(error),
      onTimerEmit: (idealAt, emittedAt) => emitLateness.push(emittedAt - idealAt),
    });
    const schema = buildExecutableSchema();
    const document = parse('subscription($id: ID!) { timerTicked(timerId: $id) { remainingMs serverTime timer { id status remainingMs } } }');
    const owner = { userId: 'bench-owner', name: 'Owner', expiresAt: undefined };
    // The bench runs subscriptions only; nothing calls refreshAuth.
    const noRefresh = { refresh: () => Promise.reject(new Error('no connection to refresh in the bench')) };
    const contextFor = (userId: string): Context => ({ principal: { userId, name: userId, expiresAt: undefined }, connectionId: `bench-${userId}`, connection: noRefresh, services, clock: systemClock });

    // Rooms hold at most 20 active timers, so timers spread over rooms of 20.
    const rooms = [];
    for (let r = 0; r < Math.ceil(timerCount / 20); r++) rooms.push(await services.rooms.create(owner.userId, { name: `bench-${r}` }));

    const lateness: number[] = [];
    const consumers: Promise<void>[] = [];
    const start = Date.now() + 500;
    for (let i = 0; i < timerCount; i++) {
      const room = rooms[Math.floor(i / 20)];
      if (!room) throw new Error('room missing');
      const delay = start + (i * spreadMs) / timerCount - Date.now();
      if (delay > 0) await sleep(delay);
      const timer = await services.timers.start(owner, { roomId: room.id, durationMs, tickMs });
      for (let s = 0; s < subscribersPerTimer; s++) {
        let first = true;
        const socket = fakeSocket((frame) => {
          const endsAt = timer.endsAt;
          const remainingMs = remainingMsOf(frame);
          if (endsAt === null || remainingMs === undefined) throw new Error(`unexpected frame ${frame.toString()}`);
          // The first frame is the current state, not a tick. A tick's ideal instant is endsAt - remainingMs.
          if (!first) lateness.push(Date.now() - (endsAt - remainingMs));
          first = false;
        });
        const stream = await subscribeDirect({
          args: { schema, document, variableValues: { id: timer.id }, contextValue: contextFor(`viewer-${s}`) },
          field: 'timerTicked',
          meter,
          groups,
          socket,
          transport,
          operationId: `${i}-${s}`,
          groupKey: `timer ${timer.id}`,
          exposeInternals: false,
        });
        if (!(Symbol.asyncIterator in stream)) throw new Error(JSON.stringify(stream));
        // The direct stream never yields: it resolves when the subscription ends.
        consumers.push(stream.next().then(() => undefined));
      }
    }
    steady();
    await Promise.all(consumers);
    await services.stop();
    console.log(`  scheduler emit lateness (ms): ${JSON.stringify(percentiles(emitLateness))}`);
    return lateness;
  });

console.log(`timers: ${timerCount} x ${subscribersPerTimer} subscribers, ${durationMs} ms countdowns, ${tickMs} ms ticks`);
const base = await baseline();
console.log(`baseline (bare setTimeout): ${JSON.stringify(base)}`);
const ours = await roomcast();
console.log(`roomcast (scheduler + direct subscriptions): ${JSON.stringify(ours)}`);

const result = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  parameters: { timerCount, subscribersPerTimer, durationMs, tickMs },
  baseline: base,
  roomcast: ours,
  ratios: { p99Lateness: round(ours.lateness.p99 / Math.max(1, base.lateness.p99)), cpu: round(ours.cpuMsPerSecond / Math.max(0.01, base.cpuMsPerSecond)) },
};
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(result, null, 2)}\n`);
console.log(`
| target | deliveries | lateness p50 | p99 | max | CPU ms/s |
| --- | --- | --- | --- | --- | --- |
| baseline: bare setTimeout | ${base.lateness.count} | ${base.lateness.p50} ms | ${base.lateness.p99} ms | ${base.lateness.max} ms | ${base.cpuMsPerSecond} |
| Roomcast timers | ${ours.lateness.count} | ${ours.lateness.p50} ms | ${ours.lateness.p99} ms | ${ours.lateness.max} ms | ${ours.cpuMsPerSecond} |
`);
process.exit(0);
