// The history tables, from bench/results/history.json: written by run.ts next to the JSON, and by
// bench/report.ts into docs/benchmarks.md.
import type { Sizing } from './seed-postgres.js';
import type { HistoryShape } from './shape.js';

interface Latency {
  p50: number;
  p99: number;
  count: number;
}

export interface HistoryFigures {
  seedSeconds: number;
  sizing?: Sizing;
  crawl: { messages: number; pages: number; seconds: number; messagesPerSecond: number };
  bigRoomPageAfterCursor: Latency;
  busyRoomNewestPage: Latency;
  busyRoomPageAfterCursor: Latency;
  resume: { missedMessages: number; runsMs: number[]; medianMs: number };
  rooms: { publicRoomsPaged: number; fewFirstPage: Latency; fewAfterCursor: Latency; noneFirstPage: Latency; noneAfterCursor: Latency };
}

export interface HistoryRun {
  machine: { cpus: number; model: string; memoryGiB: number; node: string; loadAverageAtStart: number[] };
  shape: HistoryShape;
  samples: number;
  results: { postgres?: HistoryFigures; memory?: HistoryFigures };
}

const count = (value: number) => value.toLocaleString('en-US');

export const renderHistory = (run: HistoryRun): string => {
  const { shape, machine } = run;
  const targets = (['postgres', 'memory'] as const).filter((key) => run.results[key] !== undefined);
  const names = { postgres: 'PostgreSQL (1 instance)', memory: 'memory engine' };
  const cells = (pick: (figures: HistoryFigures) => string) => targets.map((key) => pick(run.results[key] as HistoryFigures)).join(' | ');
  const latency = (pick: (figures: HistoryFigures) => Latency) => cells((figures) => `${pick(figures).p50} / ${pick(figures).p99}`);
  const row = (what: string, value: string) => `| ${what} | ${value} |`;
  const table = [
    `| figure (ms, p50 / p99 unless stated) | ${targets.map((key) => names[key]).join(' | ')} |`,
    `| --- | ${targets.map(() => '---').join(' | ')} |`,
    row(`\`messages(first: 50, after: <random cursor>)\` in the room of ${count(shape.bigRoomMessages)} messages`, latency((f) => f.bigRoomPageAfterCursor)),
    row(`\`messages(last: 50)\` (the newest page) of a random room of the ${count(shape.busyRooms)}`, latency((f) => f.busyRoomNewestPage)),
    row(`\`messages(first: 50, after: <cursor>)\` in a random room of the ${count(shape.busyRooms)}`, latency((f) => f.busyRoomPageAfterCursor)),
    row(
      `resume: \`messageAdded(after)\` over graphql-ws, subscribe to the last of ${count(run.results.postgres?.resume.missedMessages ?? run.results.memory?.resume.missedMessages ?? 0)} missed messages (target ≤ 1,000), median (each run)`,
      cells((f) => `${f.resume.medianMs} (${f.resume.runsMs.join(', ')})`),
    ),
    row(`\`rooms(first: 20)\`, a user in 5 private rooms, first page`, latency((f) => f.rooms.fewFirstPage)),
    row(`\`rooms(first: 20, after: <random cursor>)\`, the same user`, latency((f) => f.rooms.fewAfterCursor)),
    row(`\`rooms(first: 20)\`, a user in no room (the public directory), first page`, latency((f) => f.rooms.noneFirstPage)),
    row(`\`rooms(first: 20, after: <random cursor>)\`, the same user`, latency((f) => f.rooms.noneAfterCursor)),
    row(
      `the room of ${count(shape.bigRoomMessages)} read start to end, 100 per page: seconds (messages/s)`,
      cells((f) => `${f.crawl.seconds} s (${count(f.crawl.messagesPerSecond)}/s)`),
    ),
    row('seeding the store (PostgreSQL: SQL in bulk; memory: the store interface), seconds', cells((f) => `${f.seedSeconds} s`)),
  ];
  const totalMessages = shape.bigRoomMessages + shape.busyRooms * shape.messagesPerBusyRoom;
  const lines = [
    `A store of ${count(shape.totalRooms)} rooms: one of ${count(shape.bigRoomMessages)} messages, ${count(shape.busyRooms)} of ${count(shape.messagesPerBusyRoom)} messages, the rest empty, every other one of those private (${count(totalMessages)} messages; each with a clientId and a body of about 80 characters). One request at a time over HTTP on loopback, ${count(run.samples)} samples per latency figure; the server is \`dist/main.js\` for PostgreSQL and the same app on the memory engine, seeded in process. ${machine.cpus} × ${machine.model}, ${machine.memoryGiB} GiB, Node ${machine.node}; load average ${machine.loadAverageAtStart.join(' / ')} at the start (the cores are shared).`,
    '',
    ...table,
  ];
  const sizing = run.results.postgres?.sizing;
  if (sizing) {
    const indexes = Object.entries(sizing.messageBytes.indexes).map(([name, bytes]) => `\`${name}\` ${bytes}`).join(', ');
    lines.push(
      '',
      `PostgreSQL size, measured after the seed and \`VACUUM ANALYZE\`: ${sizing.messageBytes.total} bytes per message in all (\`pg_total_relation_size('messages') / count(*)\` over ${count(sizing.messages)} messages): the table ${sizing.messageBytes.heap}, its indexes ${indexes}. ${sizing.roomBytes} bytes per room (rooms and memberships with their indexes, ${count(sizing.rooms)} rooms, ${count(sizing.memberships)} memberships). Database: ${Math.round(sizing.databaseBytes / 2 ** 20)} MiB.`,
    );
  }
  return lines.join('\n');
};
