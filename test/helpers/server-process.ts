// Real server processes for end-to-end tests: the compiled server (`node dist/main.js`, what `npm start`
// runs) on a free port, stopped by PID (SIGTERM, then SIGKILL after a bounded wait). Never by name.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { killOnExit } from './exit-cleanup.js';
import { TEST_SECRET } from './tokens.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

// Generous write and connection budgets so that tests which send many messages or open many sockets
// (all from 127.0.0.1, often as one user) measure delivery, not limits; limit tests pass their own.
export const TEST_ENV = {
  PORT: '0',
  HOST: '127.0.0.1',
  JWT_SECRET: TEST_SECRET,
  NODE_ENV: 'test',
  LOG_LEVEL: 'info',
  RATE_LIMIT_MESSAGES: '100000/1',
  RATE_LIMIT_TYPING: '100000/1',
  RATE_LIMIT_RECEIPTS: '100000/1',
  RATE_LIMIT_TIMERS: '100000/1',
  RATE_LIMIT_ROOMS: '100000/1',
  RATE_LIMIT_CONNECTIONS: '100000/1',
  MAX_CONNECTIONS_PER_USER: '100000',
};

export interface ServerProcess {
  port: number;
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  /** ws://127.0.0.1:<port>/graphql */
  wsUrl: string;
  pid: number;
  child: ChildProcess;
  /** Every stdout line so far (pino JSON). */
  output(): string[];
  stop(): Promise<void>;
}


/** Extra environment for one server; `undefined` removes a key (e.g. `JWT_SECRET` for the production check). */
export type ServerEnv = Record<string, string | undefined>;

const SERVER_ENTRY = 'dist/main.js';

const newestMtimeMs = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }, 0);

const isStale = (): boolean => {
  try {
    return newestMtimeMs(join(root, 'src')) > statSync(join(root, SERVER_ENTRY)).mtimeMs;
  } catch {
    return true;
  }
};

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

let built = false;
/**
 * test/run.mjs builds once before the suite; a test file run on its own builds here when src/ is newer
 * than dist/ (or dist/ is missing), so that it never runs a stale server. Test files run in parallel
 * processes: a lock directory lets one build while the others wait, or they would read half-written files.
 */
const ensureBuilt = (): void => {
  if (built) return;
  const lock = join(root, '.dist-build-lock');
  const deadline = Date.now() + 120_000;
  while (isStale()) {
    try {
      mkdirSync(lock);
    } catch {
      if (Date.now() > deadline) throw new Error(`${lock} held for 120 s: remove it if no build is running`);
      sleepSync(200);
      continue;
    }
    try {
      if (!isStale()) break;
      const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
      if (tsc.status !== 0) throw new Error('building the server (tsc -p tsconfig.build.json) failed');
    } finally {
      rmdirSync(lock);
    }
  }
  built = true;
};

const spawnServer = (env: ServerEnv) => {
  ensureBuilt();
  const merged: NodeJS.ProcessEnv = { ...process.env, ...TEST_ENV, ...env };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  const child = spawn(process.execPath, ['--enable-source-maps', SERVER_ENTRY], {
    cwd: root,
    env: merged,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  return child;
};

const stopChild = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  }, STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
};

export const startServer = async (options: { env?: ServerEnv } = {}): Promise<ServerProcess> => {
  const child = spawnServer(options.env ?? {});
  const lines: string[] = [];
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      void stopChild(child);
      reject(new Error(`server did not start: ${why}\nstdout:\n${lines.join('\n')}\nstderr:\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`no "listening" line within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited with ${code ?? signal}`);
    child.once('exit', onEarlyExit);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        try {
          const parsed = JSON.parse(line) as { msg?: unknown; port?: unknown };
          if (parsed.msg === 'listening' && typeof parsed.port === 'number') {
            clearTimeout(timer);
            // Only our own listener: the registry's `exit` listener must stay.
            child.off('exit', onEarlyExit);
            resolve(parsed.port);
          }
        } catch {
          // Not JSON: kept in `lines` for diagnostics.
        }
        newline = buffer.indexOf('\n');
      }
    });
  });
  if (!child.pid) throw new Error('server has no pid');
  return {
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    pid: child.pid,
    child,
    output: () => [...lines],
    stop: () => stopChild(child),
  };
};

/** Starts a server that is expected to refuse to start; resolves with its exit code and stderr. */
export const runServerExpectingExit = async (env: ServerEnv, timeoutMs = 20_000): Promise<{ code: number | null; stderr: string }> => {
  const child = spawnServer(env);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout?.resume();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopChild(child);
      reject(new Error(`server kept running for ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
};
