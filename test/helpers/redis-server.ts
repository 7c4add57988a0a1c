// A real `redis-server` for tests: a free loopback port (never 6379), no RDB snapshots, a fresh data
// directory, optionally AOF with `appendfsync always` so that a kill -9 loses nothing acknowledged.
// Ready once it answers PING with +PONG (not -LOADING). Stopped by PID (SIGTERM, bounded wait, then
// SIGKILL), never by name; `restart()` comes back on the same port and directory, so AOF data survives.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { exited, waitForExit } from './child-exit.js';
import { killOnExit, removeOnExit } from './exit-cleanup.js';

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const PROBE_TIMEOUT_MS = 1_000;

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:<port> */
  url: string;
  /** The PID of the current process (it changes on `restart()`). */
  readonly pid: number;
  /** The data directory (the AOF lives here). */
  dir: string;
  /** Everything the current process printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM by PID, a bounded wait, then SIGKILL. */
  stop(): Promise<void>;
  /** SIGKILL by PID (a crash: no shutdown, no final fsync); resolves once it has exited. */
  kill9(): Promise<void>;
  /** Starts again on the same port and directory (stopping the current process first if it still runs). */
  restart(): Promise<void>;
}

/** The absolute path of `redis-server` on PATH (or /usr/bin, /usr/local/bin); throws a clear error if absent. */
export const findRedisServer = (): string => {
  const candidates = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin'];
  for (const dir of candidates) {
    const path = join(dir, 'redis-server');
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here.
    }
  }
  throw new Error(
    'redis-server is not installed (not on PATH, /usr/bin or /usr/local/bin). Install it, e.g. `apt-get install -y redis-server`; `npm test` does so when run as root.',
  );
};

/** A loopback port that was free a moment ago: listen on port 0, read the port, close. Never 6379. */
export const freePort = async (): Promise<number> => {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const found = typeof address === 'object' && address !== null ? address.port : 0;
        server.close(() => resolve(found));
      });
    });
    if (port !== 0 && port !== 6379) return port;
  }
};

/**
 * Sends one raw command to the server on `port` and reads its reply until `parse` makes something of it
 * (a value other than undefined), or answers undefined on a timeout, an error or a close.
 */
const ask = <T>(port: number, command: string, parse: (reply: string) => T | undefined): Promise<T | undefined> =>
  new Promise((resolve) => {
    let reply = '';
    let settled = false;
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (answer: T | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), PROBE_TIMEOUT_MS);
    socket.setEncoding('utf8');
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk: string) => {
      reply += chunk;
      const answer = parse(reply);
      if (answer !== undefined) done(answer);
    });
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(undefined));
  });

/** One raw `PING`: true only for `+PONG` (a loading server answers `-LOADING`). */
const ping = async (port: number): Promise<boolean> =>
  (await ask(port, 'PING', (reply) => (reply.includes('\r\n') ? reply.startsWith('+PONG') : undefined))) ?? false;

/**
 * The `process_id` the server on `port` reports (INFO server), or undefined. Two test files may pick the
 * same free port at once: a server answers PING there that is not ours, and must never pass for it.
 */
const processIdOn = (port: number): Promise<number | undefined> =>
  ask(port, 'INFO server', (reply) => {
    const match = /process_id:(\d+)\r\n/.exec(reply);
    return match ? Number(match[1]) : undefined;
  });

const killChild = async (child: ChildProcess, signal: NodeJS.Signals): Promise<void> => {
  if (exited(child) || !child.pid) return;
  try {
    process.kill(child.pid, signal);
  } catch {
    // Exited between the check and the signal.
  }
  if (await waitForExit(child, STOP_TIMEOUT_MS)) return;
  if (signal !== 'SIGKILL') {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Gone.
    }
    if (await waitForExit(child, STOP_TIMEOUT_MS)) return;
  }
  throw new Error(`redis-server (pid ${child.pid}) did not exit after ${signal} and SIGKILL`);
};

export const startRedis = async (options: { appendOnly?: boolean } = {}): Promise<RedisServer> => {
  const binary = findRedisServer();
  let port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-redis-'));
  removeOnExit(dir);
  const args = () => [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--save', '',
    '--dir', dir,
    '--protected-mode', 'no',
    '--daemonize', 'no',
    '--logfile', '',
    ...(options.appendOnly ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
  ];

  let child: ChildProcess;
  let output = '';

  // `mayMove`: on the first start another process may have taken the port since it was found free; a
  // restart must come back on the same one.
  const launch = async (mayMove: boolean): Promise<void> => {
    output = '';
    const started = spawn(binary, args(), { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    killOnExit(started);
    started.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    started.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    let spawnError: Error | undefined;
    started.once('error', (error) => (spawnError = error));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (spawnError) throw new Error(`redis-server could not be started: ${spawnError.message}`);
      if (exited(started)) {
        if (mayMove && /already in use/i.test(output)) {
          port = await freePort();
          return launch(false);
        }
        throw new Error(`redis-server exited with ${started.exitCode ?? started.signalCode} before answering PING on port ${port}\n${output}`);
      }
      if ((await ping(port)) && (await processIdOn(port)) === started.pid) return;
      if (Date.now() >= deadline) {
        await killChild(started, 'SIGKILL');
        throw new Error(`redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  await launch(true);
  return {
    get port() {
      return port;
    },
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    get pid() {
      if (!child.pid) throw new Error('redis-server has no pid');
      return child.pid;
    },
    dir,
    output: () => output,
    stop: () => killChild(child, 'SIGTERM'),
    kill9: () => killChild(child, 'SIGKILL'),
    restart: async () => {
      await killChild(child, 'SIGTERM');
      await launch(false);
    },
  };
};
