// A real PostgreSQL for tests, from Debian's `postgresql` package: `initdb` into a fresh temporary
// directory, then `postgres` on a free loopback port (never 5432) with its socket in that directory.
// PostgreSQL refuses to run as root, so when the tests run as root both run as the `postgres` user.
// Ready once a client can connect and run a query (a starting server accepts TCP but refuses queries).
// Stopped by PID, never by name: the postmaster leads its own process group, so a stop or a kill -9
// reaches its backends too, and `restart()` comes back on the same port and directory.
//
// Durability: by default `fsync=off` (fast). A commit is still written to the OS (the WAL is written at
// commit, only the fsync is skipped), so it survives a kill -9 of PostgreSQL, though not a crash of the
// machine. `{ durable: true }` keeps fsync on for a test that must be honest about the disk.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chownSync, constants, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { exited, waitForExit } from './child-exit.js';
import { killOnExit, removeOnExit } from './exit-cleanup.js';
import { childPids, isRunning } from './proc-stats.js';
import { freePort } from './redis-server.js';

const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;
const PROBE_TIMEOUT_MS = 1_000;
const POSTGRES_LIB = '/usr/lib/postgresql';

export interface PostgresServer {
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres (the maintenance database; tests use `createDatabase`). */
  url: string;
  /** The PID of the current postmaster (it changes on `restart()`). */
  readonly pid: number;
  /** The temporary directory: `data/` is the cluster, the Unix socket lives beside it. */
  dir: string;
  /** Everything the current postmaster printed so far. */
  output(): string;
  /** Fast shutdown (SIGINT) by PID, a bounded wait, then SIGKILL to its process group. */
  stop(): Promise<void>;
  /** SIGKILL to the postmaster's process group (a crash: no shutdown checkpoint); resolves once it has exited. */
  kill9(): Promise<void>;
  /** Starts again on the same port and directory (stopping the current process first if it still runs). */
  restart(): Promise<void>;
}

/** The newest /usr/lib/postgresql/<version>/bin that has `postgres` and `initdb`; a clear error if none. */
export const findPostgresBin = (): string => {
  let versions: string[] = [];
  try {
    versions = readdirSync(POSTGRES_LIB).filter((name) => /^\d+$/.test(name));
  } catch {
    // No PostgreSQL at all: reported below.
  }
  for (const version of versions.sort((a, b) => Number(b) - Number(a))) {
    const bin = join(POSTGRES_LIB, version, 'bin');
    try {
      accessSync(join(bin, 'postgres'), constants.X_OK);
      accessSync(join(bin, 'initdb'), constants.X_OK);
      return bin;
    } catch {
      // An incomplete version: try the next.
    }
  }
  throw new Error(
    `PostgreSQL is not installed (no ${POSTGRES_LIB}/<version>/bin/postgres). Install it, e.g. \`apt-get install -y postgresql\`; \`npm test\` does so when run as root.`,
  );
};

/** uid and gid to run PostgreSQL as: the `postgres` user when we are root (it refuses root), else ourselves. */
const runAs = (): { uid: number; gid: number } | undefined => {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('running as root, but there is no `postgres` user to run PostgreSQL as (Debian\'s postgresql package creates it)');
  }
};

const freePostgresPort = async (): Promise<number> => {
  for (;;) {
    const port = await freePort();
    if (port !== 5432) return port;
  }
};

/**
 * True only when the server on `url` accepts queries and is the one on `dataDir`: two test files may pick
 * the same free port at once, and the other file's server must never pass for ours.
 */
const probe = async (url: string, dataDir: string): Promise<boolean> => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>('SHOW data_directory');
    return rows[0]?.data_directory === dataDir;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

/** Sends `signal` to `pid` (a negative pid: that process group); false if there was none to send it to. */
const sendSignal = (pid: number, signal: NodeJS.Signals | 0): boolean => {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
};

/** Polls (bounded) until `done` holds; false if the time ran out first. */
const pollUntil = async (done: () => boolean, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
};

const killPostmaster = async (child: ChildProcess, signal: 'SIGINT' | 'SIGKILL'): Promise<void> => {
  const pid = child.pid;
  if (exited(child) || !pid) return;
  // SIGINT is PostgreSQL's fast shutdown (SIGTERM would wait for every client to disconnect); it goes to
  // the postmaster alone, which then stops its backends in order.
  if (signal === 'SIGINT') {
    sendSignal(pid, 'SIGINT');
    if (await waitForExit(child, STOP_TIMEOUT_MS)) return;
  }
  // PostgreSQL makes every backend the leader of a process group of its own (setsid), so signalling the
  // postmaster's group does not reach them: without their own SIGKILL they outlive it until they notice
  // it is gone, and on a busy machine one may still answer a query. A crash is over when they are all gone.
  const backends = childPids(pid);
  for (const target of [-pid, ...backends]) sendSignal(target, 'SIGKILL');
  const allGone = () => !sendSignal(-pid, 0) && !backends.some(isRunning);
  if ((await waitForExit(child, STOP_TIMEOUT_MS)) && (await pollUntil(allGone, STOP_TIMEOUT_MS))) return;
  throw new Error(`postgres (pid ${pid}) did not exit after ${signal} and SIGKILL`);
};

export const startPostgres = async (options: { durable?: boolean } = {}): Promise<PostgresServer> => {
  const bin = findPostgresBin();
  const user = runAs();
  let port = await freePostgresPort();
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-postgres-'));
  removeOnExit(dir);
  if (user) chownSync(dir, user.uid, user.gid);
  const dataDir = join(dir, 'data');
  const spawnAs = user ? { uid: user.uid, gid: user.gid } : {};
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C', HOME: dir };

  try {
    execFileSync(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', ...(options.durable ? [] : ['--no-sync'])],
      { ...spawnAs, cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
    );
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? ''; // execFileSync attaches stderr as a Buffer
    throw new Error(`initdb failed in ${dataDir}: ${error instanceof Error ? error.message : String(error)}\n${stderr}`);
  }

  const args = () => [
    '-D', dataDir,
    '-p', String(port),
    '-k', dir,
    '-c', 'listen_addresses=127.0.0.1',
    '-c', 'max_connections=200',
    '-c', 'shared_buffers=32MB',
    // The cluster is thrown away after the run: no fsync (commits still reach the OS, see above).
    ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'full_page_writes=off']),
  ];
  const url = () => `postgres://postgres@127.0.0.1:${port}/postgres`;

  let child: ChildProcess;
  let output = '';

  // `mayMove`: on the first start another process may have taken the port since it was found free; a
  // restart must come back on the same one.
  const launch = async (mayMove: boolean): Promise<void> => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      output = '';
      // Detached: the postmaster leads a process group, so a kill -9 reaches the backends too (a crash of
      // the whole server, and no orphaned backend holding the shared memory a restart needs).
      const started = spawn(join(bin, 'postgres'), args(), {
        ...spawnAs,
        cwd: dir,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      killOnExit(started, { group: true });
      started.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      started.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      let spawnError: Error | undefined;
      started.once('error', (error) => (spawnError = error));
      for (;;) {
        if (spawnError) throw new Error(`postgres could not be started: ${spawnError.message}`);
        if (exited(started)) break;
        if (await probe(url(), dataDir)) return;
        if (Date.now() >= deadline) {
          await killPostmaster(started, 'SIGKILL');
          throw new Error(`postgres did not accept queries on port ${port} within ${READY_TIMEOUT_MS} ms\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Exited early. Right after a kill -9 the old shared memory or port may not be released yet:
      // try again until the deadline, then report what it printed. A port taken by someone else since
      // it was found free is given up for another one, on the first start only.
      if (mayMove && /could not bind|already in use/i.test(output)) port = await freePostgresPort();
      if (Date.now() >= deadline) {
        throw new Error(`postgres exited with ${started.exitCode ?? started.signalCode} before accepting queries on port ${port}\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  await launch(true);
  return {
    get port() {
      return port;
    },
    get url() {
      return url();
    },
    get pid() {
      if (!child.pid) throw new Error('postgres has no pid');
      return child.pid;
    },
    dir,
    output: () => output,
    stop: () => killPostmaster(child, 'SIGINT'),
    kill9: () => killPostmaster(child, 'SIGKILL'),
    restart: async () => {
      await killPostmaster(child, 'SIGINT');
      await launch(false);
    },
  };
};

let databases = 0;

/** Creates an empty database on `server` and returns its URL, so that each test has its own. */
export const createDatabase = async (server: PostgresServer, name?: string): Promise<string> => {
  const database = name ?? `roomcast_${process.pid}_${++databases}_${Date.now().toString(36)}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`not a plain database name: ${database}`);
  const client = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${database}`);
  } finally {
    await client.end();
  }
  return `postgres://postgres@127.0.0.1:${server.port}/${database}`;
};
