// `npm start`'s prestart: builds dist/ with tsc only when something it is built from is newer than the
// last build. tsc takes 10–20 s on every start otherwise; this check takes milliseconds.
// The rule and the lock are the ones the test helpers use (test/helpers/server-process.ts), so a start and
// a test run never build over each other. tsconfig.build.json has noEmitOnError: a failed build writes
// nothing, so it never makes dist/ look fresh.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const ENTRY = join(root, 'dist', 'main.js');
const LOCK = join(root, '.dist-build-lock');
const LOCK_WAIT_MS = 120_000;
// What the compiled server depends on: its sources, the compiler settings and the installed versions.
// schema/ and migrations/ are read at run time from the repository, not compiled.
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

const newestMtimeMs = (path: string): number => {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtimeMs(join(path, name))), stats.mtimeMs);
};

const isStale = (): boolean => {
  if (!existsSync(ENTRY)) return true;
  const builtAtMs = statSync(ENTRY).mtimeMs;
  return INPUTS.some((input) => existsSync(join(root, input)) && newestMtimeMs(join(root, input)) > builtAtMs);
};

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** tsc's exit status. */
const build = (): number => {
  process.stdout.write('roomcast: building dist/ with tsc (sources changed since the last build)…\n');
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  return tsc.status ?? 1;
};

// Another build (a test run, a second terminal) may hold the lock: wait for it, then look again.
const deadline = Date.now() + LOCK_WAIT_MS;
while (isStale()) {
  try {
    mkdirSync(LOCK);
  } catch {
    if (Date.now() > deadline) {
      process.stderr.write(`roomcast: ${LOCK} has been held for ${LOCK_WAIT_MS / 1000} s; remove it if no build is running.\n`);
      process.exit(1);
    }
    sleepSync(200);
    continue;
  }
  let status: number;
  try {
    status = isStale() ? build() : 0;
  } finally {
    rmdirSync(LOCK);
  }
  if (status !== 0) {
    process.stderr.write('roomcast: the build failed (above); dist/ was left as it was.\n');
    process.exit(status);
  }
  break;
}
