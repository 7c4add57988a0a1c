// docs/benchmarks.md from the recorded runs in bench/results/*.json: `npm run bench:report`.
// It measures nothing; run the benchmarks first. Each section says the command that wrote its file and
// the machine that file recorded; the head names the machine this page was generated on.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderFanout, type FanoutRun } from './fanout/render.js';
import { renderHistory, type HistoryRun } from './history/render.js';
import { describeMachine } from './machine.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const OUT = 'docs/benchmarks.md';

/** A result file's JSON, or undefined when that benchmark has not been run (its section is left out). */
const read = <T>(name: string): T | undefined => {
  const path = `${root}bench/results/${name}.json`;
  // Written by the benchmark named in the section that reads it, in the shape its type states.
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
};

interface TimersRun {
  machine: { cpus: number; node: string };
  parameters: { timerCount: number; subscribersPerTimer: number; durationMs: number; tickMs: number };
  baseline: { lateness: { p50: number; p99: number; max: number; count: number }; cpuMsPerSecond: number };
  roomcast: { lateness: { p50: number; p99: number; max: number; count: number }; cpuMsPerSecond: number };
}

const renderTimers = (run: TimersRun): string => {
  const { parameters: p } = run;
  const row = (name: string, r: TimersRun['baseline']) =>
    `| ${name} | ${r.lateness.count} | ${r.lateness.p50} ms | ${r.lateness.p99} ms | ${r.lateness.max} ms | ${r.cpuMsPerSecond} |`;
  return [
    `${p.timerCount} running timers (${p.durationMs / 1000} s, ${p.tickMs / 1000} s ticks) with ${p.subscribersPerTimer} \`timerTicked\` subscribers each, delivered through the graphql-ws direct path (\`subscribeDirect\`: executed and encoded once per group) to stand-in sockets in one process; ${run.machine.cpus} cores, Node ${run.machine.node}.`,
    '',
    '| target | deliveries | lateness p50 | p99 | max | CPU ms per s |',
    '| --- | --- | --- | --- | --- | --- |',
    row('baseline: bare `setTimeout`', run.baseline),
    row('Roomcast timers (scheduler + grouped direct delivery)', run.roomcast),
  ].join('\n');
};

const here = describeMachine();
const sections: string[] = [];
const section = (title: string, command: string, about: string, body: string | undefined) => {
  if (body !== undefined) sections.push([`## ${title}`, '', `\`${command}\``, '', about, '', body].join('\n'));
};

// The fan-out targets, as bench/fanout/run.ts runs them (one line each, in the tables' order).
const FANOUT_TARGETS = [
  '`raw`: a raw `ws` server broadcasting one pre-serialized frame per room (the limit)',
  '`yoga`: stock graphql-yoga + graphql-ws `useServer` + `createPubSub`',
  '`mercurius`: Fastify + Mercurius, subscriptions over graphql-ws, its default in-memory pubsub (mqemitter)',
  '`socketio`: Socket.IO 4 with rooms and the in-memory adapter; clients are `socket.io-client` on the WebSocket transport',
  '`memory`: Roomcast on its memory engine (one process)',
  '`socketio-redis`: Socket.IO 4 with `@socket.io/redis-adapter` (ioredis), 2 instances',
  '`postgres`: Roomcast on PostgreSQL + Redis, 2 instances',
  '`socketio-redis-pg`: the stack Roomcast replaces: Socket.IO + Redis adapter, 2 instances, and before each emit one `INSERT INTO messages` with `pg` into Roomcast\'s own migrated schema, the seq taken by `UPDATE rooms SET last_seq = last_seq + 1 ... RETURNING` in the same statement as Roomcast\'s append does',
];
const fanoutAbout = (run: FanoutRun | undefined, lead: string) =>
  [
    lead,
    '',
    ...FANOUT_TARGETS.map((line) => `- ${line}`),
    '',
    'Each 2-instance target takes its publishes on one instance and holds the subscribers on the other. A load generator in its own process measures every delivery (loss and duplicates per subscriber, latency from the publish call to the delivery). Server CPU is read from `/proc/<pid>/stat` (user and kernel) for every server-side process: the instances, `redis-server`, and the PostgreSQL postmaster with all its backends (`bench/process-tree-cpu.ts`, which also counts backends that exited). CPU per message is the measured phase\'s CPU over the messages published in it (the durable pair\'s comparison). RSS per idle connection is the subscribers\' instance, before any message. Only ratios within one run mean much: the load generator shares the cores with the servers.',
    run?.command ? `\nThis file was written by \`${run.command}\`.` : '',
  ].join('\n');

const fanout = read<FanoutRun>('fanout');
section(
  'Fan-out: 2,000 subscribers, 20 rooms, 100 messages/s',
  'npm run bench',
  fanoutAbout(fanout, 'The `fanout` scenario: 2,000 graphql-ws (or Socket.IO) subscribers over 20 rooms, 100 messages/s published with one HTTP POST each (`sendMessage` for the GraphQL targets, `POST /publish` for raw and Socket.IO). Every target alike is first warmed up unmeasured: 20,000 publishes back to back to a room nobody subscribed to (`--warmup-publishes`), then 10 s of the load (`--warmup-ms`), so that V8 has optimized the hot path of each server, as in a server that has been running for a while ([performance.md](performance.md) shows why 10 s of the load alone is not enough). Then 8 s measured, then a publish-only phase at the same rate to a room nobody subscribed to. Targets:'),
  fanout && renderFanout(fanout),
);
const smallRooms = read<FanoutRun>('small-rooms');
section(
  'Small rooms: 2,000 subscribers, 1,000 rooms of two, 500 messages/s',
  'npm run bench -- --scenario small-rooms',
  fanoutAbout(smallRooms, 'The `small-rooms` scenario: the same targets and measurements, with 2,000 subscribers two to a room over 1,000 rooms and 500 messages/s round-robin over the rooms, so each message has two deliveries and the per-publish cost dominates. Targets:'),
  smallRooms && renderFanout(smallRooms),
);
const history = read<HistoryRun>('history');
section(
  'History: reading a large store back',
  'npm run bench:history',
  'PostgreSQL is seeded by SQL in bulk (`generate_series`) into the schema the server migrated, then `VACUUM ANALYZE`; the memory engine holds the same rooms and messages, seeded through its store before it listens. Every cursor comes from the API: the big room is read once from start to end (a figure of its own), and pages at random positions start after cursors it returned. Latency is from sending the request to the parsed answer, one request at a time; resume is from the graphql-ws `subscribe` to the last replayed message.',
  history && renderHistory(history),
);
const wide = read<FanoutRun>('fanout-19000');
section(
  'Fan-out at 19,000 connections on one process',
  'npm run bench -- --targets raw,memory --subscribers 19000 --rooms 190 --duration-ms 10000 --resume-messages 1000 --out bench/results/fanout-19000',
  'As far as this machine goes: each process may hold 20,000 file descriptors.',
  wide && renderFanout(wide),
);
const overWs = read<FanoutRun>('fanout-publish-over-ws');
section(
  'Fan-out, publishing over a WebSocket',
  'npm run bench -- --publish-over ws --out bench/results/fanout-publish-over-ws',
  'The fan-out scenario with every message published over one WebSocket held open by the publisher instead of one HTTP request each, as a client that already holds a socket publishes: Roomcast takes the `sendMessage` mutation as a graphql-ws `subscribe` operation on its socket (answered `next` + `complete`), Mercurius likewise (its `fullWsTransport`), stock yoga through graphql-ws as well, Socket.IO as an acknowledged `publish` event (`emitWithAck`), raw as a JSON message answered with its seq. For the 2-instance targets the publishing socket is on the publishing instance. The difference from the HTTP table is the cost of a request per message.',
  overWs && renderFanout(overWs),
);
const timers = read<TimersRun>('timers');
section(
  'Timer tick lateness',
  'npm run bench:timers',
  'Lateness is when a subscriber received a tick minus the tick\'s ideal instant; the baseline is bare `setTimeout`s aimed at the same instants doing no work, in the same invocation.',
  timers && renderTimers(timers),
);

interface WebhooksRun {
  deliveries: number;
  rooms: number;
  concurrency: number;
  rows: { target: string; deliveriesPerSecond: number; cpuUsPerDelivery: number; ofBaseline: number }[];
}
const webhooks = read<WebhooksRun>('webhooks');
section(
  'Webhook deliveries',
  'npm run bench:webhooks',
  'Deliveries per second to a local receiver that answers 204 at once, signed with `standardwebhooks`; the baseline signs and POSTs the same payloads from a plain loop with the same concurrency, in the same invocation.',
  webhooks &&
    [
      `${webhooks.deliveries} deliveries over ${webhooks.rooms} rooms, concurrency ${webhooks.concurrency}.`,
      '',
      '| target | deliveries/s | of baseline | CPU µs per delivery |',
      '| --- | --- | --- | --- |',
      ...webhooks.rows.map((row) => `| ${row.target} | ${row.deliveriesPerSecond} | ${row.ofBaseline}× | ${row.cpuUsPerDelivery} |`),
    ].join('\n'),
);

interface HistoryCacheRun {
  seconds: number;
  concurrency: number;
  pageMessages: number;
  pageBytes: number;
  fullPerSecond: number;
  notModifiedPerSecond: number;
  ratio: number;
}
const cache = read<HistoryCacheRun>('history-cache');
section(
  'Conditional GET of a history page',
  'npm run bench:history-cache',
  'The same final page over GET, as full 200 answers and as 304 answers to a matching `If-None-Match`, in one run. The server still runs the query to compute the ETag, so a 304 saves the body, not the read.',
  cache &&
    [
      `A page of ${cache.pageMessages} messages (${cache.pageBytes} bytes), ${cache.concurrency} requests in flight, ${cache.seconds} s each.`,
      '',
      '| answer | per second |',
      '| --- | --- |',
      `| 200 with the page | ${cache.fullPerSecond} |`,
      `| 304 Not Modified | ${cache.notModifiedPerSecond} (${cache.ratio}×) |`,
    ].join('\n'),
);

const page = [
  '# Benchmarks',
  '',
  '<!-- Generated by `npm run bench:report` from bench/results/*.json. Do not edit: run a benchmark, then regenerate. -->',
  '',
  `Generated on ${here.cpus} × ${here.model} (\`nproc\` ${here.cpus}, \`model name\` from /proc/cpuinfo), ${here.memoryGiB} GiB of memory, Node ${here.node}. Each section states the machine its run recorded. The cores are shared with other work, so only figures from one run, compared with each other, mean much.`,
  '',
  '| command | what it measures | writes |',
  '| --- | --- | --- |',
  '| `npm run bench` | fan-out (2,000 subscribers, 20 rooms, 100 msg/s): raw `ws`, stock yoga, Mercurius, Socket.IO, Roomcast memory, Socket.IO + Redis adapter (2 instances), Roomcast PostgreSQL + Redis (2 instances), Socket.IO + Redis adapter + INSERT (2 instances); flags `--scenario fanout\\|small-rooms --subscribers --rooms --rate --duration-ms --warmup-ms --warmup-publishes --targets raw,yoga,mercurius,socketio,memory,socketio-redis,postgres,socketio-redis-pg --publish-over http\\|ws --resume-messages --profile DIR --out` | `bench/results/fanout.{json,md}` |',
  '| `npm run bench -- --scenario small-rooms` | the same targets, 2,000 subscribers over 1,000 rooms of two, 500 msg/s | `bench/results/small-rooms.{json,md}` |',
  '| `npm run bench -- --publish-over ws --out bench/results/fanout-publish-over-ws` | fan-out with every publish over one WebSocket | `bench/results/fanout-publish-over-ws.{json,md}` |',
  '| `npm run bench:history` | history on PostgreSQL and on the memory engine; flags `--targets postgres,memory --big-room --busy-rooms --messages-per-room --total-rooms --samples --resume-messages --resume-runs --out` | `bench/results/history.{json,md}` |',
  '| `npm run bench:timers` | timer tick lateness | `bench/results/timers.json` |',
  '| `npm run bench:webhooks` | webhook deliveries per second | `bench/results/webhooks.json` |',
  '| `npm run bench:history-cache` | 304s against full pages of the same history page | `bench/results/history-cache.json` |',
  '| `npx tsx bench/postgres-driver.ts` | `pg` against `postgres` on the store\'s statements (see [postgres.md](postgres.md)) | prints |',
  '| `npm run bench:round-trips` | Redis commands and PostgreSQL statements per published message (PostgreSQL + Redis, one subscriber), by name | prints |',
  '| `npm run bench:report` | this page, from the files above | `docs/benchmarks.md` |',
  '',
  ...sections.flatMap((text) => [text, '']),
].join('\n');
writeFileSync(`${root}${OUT}`, page);
console.log(`wrote ${OUT} (${sections.length} sections)`);
