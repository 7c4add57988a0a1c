// Runs the whole suite: type-check first, then every test file with node's test runner via tsx.
// Node 20 has no --test globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const testFiles = [
  // pure logic and services on the memory engine
  'test/unit/config.test.ts',
  'test/unit/flat-line.test.ts',
  'test/unit/buffered-destination.test.ts',
  'test/unit/client-address.test.ts',
  'test/unit/jwt.test.ts',
  'test/unit/connection-identity.test.ts',
  'test/unit/ending-at.test.ts',
  'test/unit/page-window.test.ts',
  'test/unit/room-stream.test.ts',
  'test/unit/retry-with-backoff.test.ts',
  'test/unit/timer-math.test.ts',
  'test/unit/timers.test.ts',
  'test/unit/presence.test.ts',
  'test/unit/composite-keys.test.ts',
  'test/unit/write-limits.test.ts',
  'test/unit/room-visibility-cache.test.ts',
  'test/unit/client-message-guard.test.ts',
  'test/unit/text-frames.test.ts',
  'test/unit/broadcast-groups.test.ts',
  'test/unit/library-internals.test.ts',
  'test/unit/ws-drain.test.ts',
  'test/unit/webhooks.test.ts',
  'test/unit/freshness.test.ts',
  'test/unit/memory-store-scale.test.ts',
  'test/unit/cursors.test.ts',
  'test/unit/api-keys.test.ts',
  'test/unit/first-run-output.test.ts',
  // one contract per half of the engine, every implementation
  'test/contract/memory-store.test.ts',
  'test/contract/postgres-store.test.ts',
  'test/contract/postgres-store-specific.test.ts',
  'test/contract/memory-realtime.test.ts',
  'test/contract/redis-realtime.test.ts',
  'test/contract/redis-realtime-specific.test.ts',
  'test/contract/redis-presence-keys.test.ts',
  // real server processes, real clients
  'test/app/auth.test.ts',
  'test/app/token-expiry.test.ts',
  'test/app/sse-resume.test.ts',
  'test/app/rooms.test.ts',
  'test/app/room-access.test.ts',
  'test/app/messages.test.ts',
  'test/app/jit-equivalence.test.ts',
  'test/app/history.test.ts',
  'test/app/subscriptions.test.ts',
  'test/app/shared-delivery.test.ts',
  'test/e2e/api-keys.test.ts',
  'test/e2e/history-caching.test.ts',
  'test/e2e/http-surface.test.ts',
  'test/e2e/first-run.test.ts',
  'test/e2e/client-package.test.ts',
  'test/app/typed-client.test.ts',
  'test/app/subscription-errors.test.ts',
  'test/app/timers.test.ts',
  'test/app/presence.test.ts',
  'test/app/origins.test.ts',
  'test/app/connection-limits.test.ts',
  'test/app/trust-proxy.test.ts',
  'test/app/keepalive.test.ts',
  // clients that stop reading, and hostile or malformed traffic
  'test/e2e/slow-consumer.test.ts',
  'test/e2e/malformed-input.test.ts',
  'test/e2e/malformed-input-2.test.ts',
  'test/e2e/well-formed-strings.test.ts',
  // PostgreSQL as the store of record: durability, outages, access patterns at scale
  'test/app/cursors.test.ts',
  'test/e2e/timer-bounds.test.ts',
  'test/e2e/postgres-durability.test.ts',
  'test/e2e/postgres-outage.test.ts',
  'test/e2e/postgres-scale.test.ts',
  'test/e2e/redis-restart-empty.test.ts',
  // webhooks: signed, at least once, in order per room, durable outbox across a kill -9
  'test/e2e/webhooks.test.ts',
  // several server processes on one PostgreSQL and one real redis-server
  'test/e2e/multi-instance.test.ts',
  'test/e2e/redis-recovery.test.ts',
  'test/e2e/redis-restarts.test.ts',
  'test/e2e/internals.test.ts',
  'test/e2e/rate-limits.test.ts',
  // SIGTERM/SIGINT: drain, 1001, restart and resume; metrics and logs after real traffic
  'test/e2e/shutdown.test.ts',
  'test/e2e/metrics.test.ts',
  'test/e2e/logs.test.ts',
  // the typed client against real servers: exactly once across reconnects, optimistic sends, helpers
  'test/client/backoff.test.ts',
  'test/client/connection-status.test.ts',
  'test/client/exactly-once.test.ts',
  'test/client/engine-outage.test.ts',
  'test/client/optimistic-send.test.ts',
  'test/client/room-helpers.test.ts',
  'test/client/publish-over-ws.test.ts',
  'test/client/one-stream.test.ts',
  // real chromium: the quiz-room demo at /demo, and GraphiQL
  'test/browser/demo-static.test.ts',
  'test/browser/quiz-room.test.ts',
  'test/browser/demo-navigation.test.ts',
  'test/browser/graphiql.test.ts',
  'test/browser/event-source.test.ts',
];

// A test file left off the list would never run, and nothing would say so.
const onDisk = readdirSync(new URL('.', import.meta.url), { recursive: true })
  .filter((path) => path.endsWith('.test.ts'))
  .map((path) => `test/${path.split('\\').join('/')}`);
const unlisted = onDisk.filter((path) => !testFiles.includes(path));
const missing = testFiles.filter((path) => !onDisk.includes(path));
if (unlisted.length > 0 || missing.length > 0) {
  console.error(`test/run.mjs lists its test files: add ${unlisted.join(', ') || 'none'}; remove ${missing.join(', ') || 'none'}`);
  process.exit(1);
}

const run = (label, args) => {
  console.log(`\n> ${label}`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\n${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
};

// System packages some tests drive for real: installed with apt on a fresh Debian machine (as root).
const ensureInstalled = (isPresent, aptPackage, why) => {
  if (isPresent()) return;
  if (process.getuid?.() !== 0) {
    console.error(`${aptPackage} is not installed and this is not root: install it (Debian: apt-get install -y ${aptPackage})`);
    process.exit(1);
  }
  console.log(`${aptPackage} is missing (${why}): installing it with apt`);
  run(`install ${aptPackage}`, ['-e', `require('node:child_process').execSync('apt-get update && apt-get install -y ${aptPackage}', { stdio: 'inherit' })`]);
};
ensureInstalled(() => spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status === 0, 'redis-server', 'the Redis engine tests start one');
// Debian's postgresql puts its binaries under /usr/lib/postgresql/<version>/bin (not on PATH).
ensureInstalled(() => spawnSync('sh', ['-c', 'ls /usr/lib/postgresql/*/bin/postgres'], { stdio: 'ignore' }).status === 0, 'postgresql', 'the PostgreSQL store tests start one');
// playwright-core downloads no browser: the browser tests drive Debian's chromium.
ensureInstalled(() => existsSync('/usr/bin/chromium'), 'chromium', 'the browser tests drive it');

run('typecheck', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']);
// The page runs in a browser: its own tsconfig adds the DOM and keeps the server's Node-only.
run('typecheck the quiz-room page', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'examples/quiz-room/tsconfig.json']);
// The server serves the built page at /demo, where the browser tests open it.
run('build the quiz-room demo', ['--import', 'tsx', 'examples/quiz-room/scripts/build.ts']);
// Process tests run the compiled server, as production does (test/helpers/server-process.ts).
run('build the server', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json']);
// Three files at a time on the 2-core machines: most of a test's time is waiting (processes starting,
// grace periods, backoffs, kill and restart), and at two the suite kept the cores ~70% busy. Clean clones:
// 217 s of tests at two, 158-190 s at three (all 450 passing in each of four runs).
run('tests', ['--import', 'tsx', '--test', '--test-concurrency=3', '--test-timeout=120000', ...testFiles]);
