// Which PostgreSQL driver for the store: `pg` (node-postgres, with pg-pool) or `postgres` (porsager),
// measured on the store's own hot statements against a real PostgreSQL from test/helpers.
//   tsx bench/postgres-driver.ts [iterations]
// For each driver and statement: µs per operation one at a time (latency), and with 16 in flight
// (throughput), plus this process's CPU (user + system) per operation, i.e. what the driver itself costs.
// Rounds alternate between the drivers and the median round is reported, since the machine is shared.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import postgres from 'postgres';
import { appendSql, rangeSql } from '../src/engine/postgres/postgres-messages.js';
import { createPostgresStore } from '../src/engine/postgres/postgres-store.js';
import { isMemberSql } from '../src/engine/postgres/postgres-rooms.js';
import { createDatabase, startPostgres } from '../test/helpers/postgres-server.js';
import { round } from './stats.js';

const iterations = Number(process.argv[2] ?? 2_000);
const ROUNDS = 5;
const IN_FLIGHT = 16;
const POOL_SIZE = 10;

type Exec = (text: string, values: unknown[]) => Promise<unknown[]>;
interface Driver {
  readonly name: string;
  readonly exec: Exec;
  close(): Promise<void>;
}

const pgDriver = (url: string): Driver => {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  pool.on('error', () => undefined);
  // Named statements are prepared once per connection, as the store does.
  const names = new Map<string, string>();
  return {
    name: `pg ${pgVersion}`,
    exec: async (text, values) => {
      let name = names.get(text);
      if (!name) names.set(text, (name = `bench-${names.size}`));
      return (await pool.query({ name, text, values })).rows;
    },
    close: () => pool.end(),
  };
};

const postgresDriver = (url: string): Driver => {
  const sql = postgres(url, { max: POOL_SIZE, onnotice: () => undefined });
  return {
    name: `postgres ${postgresVersion}`,
    // unsafe() takes our SQL text as it is; prepare: true caches the prepared statement per connection.
    exec: async (text, values) => [...(await sql.unsafe(text, values as postgres.ParameterOrJSON<never>[], { prepare: true }))], // the store's parameters are strings, numbers and null
    close: () => sql.end({ timeout: 5 }),
  };
};

// `postgres` does not export its package.json, so both versions are read from the files.
const versionOf = (name: string): string =>
  (JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version; // a package.json has a version
const pgVersion = versionOf('pg');
const postgresVersion = versionOf('postgres');

interface Workload {
  readonly name: string;
  readonly run: (exec: Exec, i: number) => Promise<unknown>;
}

const ROOM = 'bench-room';
let appendCount = 0;
const workloads: Workload[] = [
  {
    name: 'append (idempotency key, seq, insert)',
    run: (exec) => {
      appendCount += 1;
      return exec(appendSql, [ROOM, 'author', 'Author', `client-${process.pid}-${appendCount}-${Math.random()}`, 'hello world', Date.now()]);
    },
  },
  { name: 'range of 100', run: (exec, i) => exec(rangeSql, [ROOM, (i % 10) * 100 + 1, (i % 10) * 100 + 100]) },
  { name: 'membership check', run: (exec, i) => exec(isMemberSql, [ROOM, `member-${i % 1000}`]) },
];

interface Sample {
  sequentialUs: number;
  concurrentUs: number;
  cpuUsPerOp: number;
}

const measure = async (driver: Driver, workload: Workload): Promise<Sample> => {
  for (let i = 0; i < 200; i++) await workload.run(driver.exec, i); // warm: connections, prepared statements, JIT
  let started = process.hrtime.bigint();
  let cpu = process.cpuUsage();
  for (let i = 0; i < iterations; i++) await workload.run(driver.exec, i);
  const sequentialUs = Number(process.hrtime.bigint() - started) / 1_000 / iterations;
  const sequentialCpu = process.cpuUsage(cpu);

  started = process.hrtime.bigint();
  cpu = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < iterations) await workload.run(driver.exec, next++);
    }),
  );
  const concurrentUs = Number(process.hrtime.bigint() - started) / 1_000 / iterations;
  const concurrentCpu = process.cpuUsage(cpu);
  const cpuUs = sequentialCpu.user + sequentialCpu.system + concurrentCpu.user + concurrentCpu.system;
  return { sequentialUs, concurrentUs, cpuUsPerOp: cpuUs / (2 * iterations) };
};

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const server = await startPostgres();
try {
  const url = await createDatabase(server);
  // The schema comes from the store's own migrations; one room with 1,000 members and 1,000 messages.
  const store = await createPostgresStore({ url, timerPollMs: 1_000, onError: () => undefined, connectTimeoutMs: 5_000, statementTimeoutMs: 10_000 });
  await store.rooms.create({
    id: ROOM,
    name: 'bench',
    private: false,
    ownerId: 'owner',
    memberIds: Array.from({ length: 999 }, (_, i) => `member-${i}`),
    createdAt: Date.now(),
  });
  for (let i = 0; i < 1_000; i++) {
    await store.messages.append({ roomId: ROOM, authorId: 'seed', authorName: 'Seed', body: `message ${i}`, clientId: null, createdAt: Date.now() });
  }
  await store.close();

  const drivers = [pgDriver(url), postgresDriver(url)];
  const samples = new Map<string, Sample[]>();
  for (let roundIndex = 0; roundIndex < ROUNDS; roundIndex++) {
    for (const workload of workloads) {
      for (const driver of roundIndex % 2 === 0 ? drivers : [...drivers].reverse()) {
        const key = `${workload.name}\t${driver.name}`;
        samples.set(key, [...(samples.get(key) ?? []), await measure(driver, workload)]);
      }
    }
  }
  for (const driver of drivers) await driver.close();

  console.log(`\n${iterations} iterations per round, median of ${ROUNDS} rounds, pool of ${POOL_SIZE}, PostgreSQL on loopback\n`);
  console.log('| statement | driver | µs/op, 1 in flight | µs/op, 16 in flight | client CPU µs/op |');
  console.log('| --- | --- | ---: | ---: | ---: |');
  for (const [key, list] of samples) {
    const [workload, driver] = key.split('\t');
    console.log(
      `| ${workload} | ${driver} | ${round(median(list.map((s) => s.sequentialUs)), 0)} | ${round(median(list.map((s) => s.concurrentUs)), 0)} | ${round(median(list.map((s) => s.cpuUsPerOp)), 1)} |`,
    );
  }
} finally {
  await server.stop();
}
