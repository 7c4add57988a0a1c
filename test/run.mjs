// Runs the whole suite: type-check first, then every test file with node's test runner via tsx.
// Node 20 has no --test globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const testFiles = [
  // pure logic and services on the memory engine
  'test/unit/config.test.ts',
  'test/unit/jwt.test.ts',
  'test/unit/page-window.test.ts',
  'test/unit/room-stream.test.ts',
  'test/unit/timer-math.test.ts',
  'test/unit/timers.test.ts',
  'test/unit/presence.test.ts',
  'test/unit/write-limits.test.ts',
  'test/unit/freshness.test.ts',
  // one engine contract, every engine
  'test/contract/memory.test.ts',
  'test/contract/redis.test.ts',
  'test/contract/redis-engine.test.ts',
  // real server processes, real clients
  'test/e2e/auth.test.ts',
  'test/e2e/rooms.test.ts',
  'test/e2e/room-access.test.ts',
  'test/e2e/messages.test.ts',
  'test/e2e/history.test.ts',
  'test/e2e/subscriptions.test.ts',
  'test/e2e/shared-delivery.test.ts',
  'test/e2e/http-surface.test.ts',
  'test/e2e/typed-client.test.ts',
  'test/e2e/timers.test.ts',
  'test/e2e/presence.test.ts',
  // several server processes on one real redis-server
  'test/e2e/multi-instance.test.ts',
  'test/e2e/redis-recovery.test.ts',
];

const run = (label, args) => {
  console.log(`\n> ${label}`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\n${label} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
};

// The Redis engine's tests start a real redis-server; a fresh Debian machine gets it from apt.
const hasRedis = () => spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status === 0;
if (!hasRedis()) {
  if (process.getuid?.() !== 0) {
    console.error('redis-server is not installed and this is not root: install it (Debian: apt-get install -y redis-server)');
    process.exit(1);
  }
  run('install redis-server', ['-e', "require('node:child_process').execSync('apt-get update && apt-get install -y redis-server', { stdio: 'inherit' })"]);
}

run('typecheck', ['node_modules/typescript/bin/tsc', '--noEmit', '-p', 'tsconfig.json']);
run('tests', ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=120000', ...testFiles]);
