// What a person meets on a first run: `npm start` that does not rebuild what is already built, a port in
// use answered with one line naming PORT, `GET /` leading to GraphiQL, and `npm run -s token` printing
// only the token when its output is captured.
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { jwtVerify } from 'jose';
import { killOnExit } from '../helpers/exit-cleanup.js';
import { runServerExpectingExit, startServer, TEST_ENV, type ServerProcess } from '../helpers/server-process.js';
import { TEST_SECRET } from '../helpers/tokens.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

describe('first run', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  it('GET / redirects to /graphql, where a browser gets GraphiQL', async () => {
    const root = await fetch(`http://127.0.0.1:${server.port}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/graphql');
    const followed = await fetch(`http://127.0.0.1:${server.port}/`, { headers: { accept: 'text/html' } });
    assert.equal(followed.status, 200);
    assert.equal(new URL(followed.url).pathname, '/graphql');
    assert.match(followed.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await followed.text(), /graphiql/i);
  });

  it('a port in use: exit status 1 and one line on stderr naming PORT, no stack trace', async () => {
    const { code, stderr } = await runServerExpectingExit({ PORT: String(server.port) });
    assert.equal(code, 1);
    const lines = stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
    assert.match(lines[0] ?? '', new RegExp(`port ${server.port} .*in use.*PORT=`));
  });

  it('npm start on an up-to-date dist/ starts without running tsc, and its listening line names the URL', async (t) => {
    // Whatever test or build ran before, dist/ is now current by npm start's own rule.
    const prepared = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-if-stale.ts'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    assert.equal(prepared.status, 0, prepared.stderr);

    // Its own process group: npm runs sh, which runs node; all three are stopped together, by that PID.
    const child = spawn('npm', ['start'], { cwd: root, env: { ...process.env, ...TEST_ENV }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    killOnExit(child, { group: true });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    t.after(async () => {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
      await exited;
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const listening = await waitFor(
      () =>
        stdout
          .split('\n')
          .flatMap((line) => (line.startsWith('{') ? [JSON.parse(line) as { msg?: string; url?: string; port?: number }] : []))
          .find((line) => line.msg === 'listening'),
      { timeoutMs: 30_000, what: () => `a listening line from npm start; stdout so far:\n${stdout}` },
    );
    assert.doesNotMatch(stdout, /building dist|> tsc /, 'no build ran');
    assert.equal(listening.url, `http://127.0.0.1:${listening.port}/graphql`);
    const health = await fetch(`http://127.0.0.1:${listening.port}/healthz`);
    assert.equal(health.status, 200);
  });

  it('npm run -s token, captured, prints exactly one line: a token the server accepts', async () => {
    const { stdout } = await run('npm', ['run', '-s', 'token', '--', 'dora', 'Dora'], { cwd: root, env: { ...process.env, JWT_SECRET: TEST_SECRET }, timeout: 30_000 });
    assert.match(stdout, /^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const { payload } = await jwtVerify(stdout.trim(), new TextEncoder().encode(TEST_SECRET));
    assert.equal(payload.sub, 'dora');
    const viewer = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${stdout.trim()}` },
      body: JSON.stringify({ query: '{ viewer { id name } }' }),
    });
    assert.deepEqual(await viewer.json(), { data: { viewer: { id: 'dora', name: 'Dora' } } });
  });
});
