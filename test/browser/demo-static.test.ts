// /demo serves the built quiz-room page: GET and HEAD only, the right content types, nothing outside the
// build directory, and 404 (with how to build it) when it was not built.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDemoStatic } from '../../src/transport/demo-static.js';

/** A raw request, so paths like `/demo/../x` reach the server as written (fetch would normalise them). */
const raw = (port: number, method: string, path: string) =>
  new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });

const listen = async (root: string): Promise<{ server: Server; port: number }> => {
  const serve = createDemoStatic(root);
  const server = createServer((req, res) => {
    if (!serve(req, res)) {
      res.writeHead(418).end('not the demo');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address !== null ? address.port : 0 };
};

describe('demo static files', () => {
  let dir: string;
  let built: { server: Server; port: number };
  let missing: { server: Server; port: number };
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roomcast-demo-'));
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(dir, 'dist', 'app.js'), 'console.log(1)');
    writeFileSync(join(dir, 'dist', 'style.css'), 'body{}');
    writeFileSync(join(dir, 'secret.txt'), 'outside the build');
    writeFileSync(join(dir, 'dist', 'notes.txt'), 'not a served type');
    built = await listen(join(dir, 'dist'));
    missing = await listen(join(dir, 'never-built'));
  });
  after(async () => {
    for (const { server } of [built, missing]) await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at /demo and /demo/, and assets with their content types', async () => {
    for (const path of ['/demo', '/demo/', '/demo/?x=1', '/demo/index.html']) {
      const { status, type, body } = await raw(built.port, 'GET', path);
      assert.deepEqual({ path, status, type }, { path, status: 200, type: 'text/html; charset=utf-8' });
      assert.match(body, /<title>demo<\/title>/);
    }
    assert.equal((await raw(built.port, 'GET', '/demo/app.js')).type, 'text/javascript; charset=utf-8');
    assert.equal((await raw(built.port, 'GET', '/demo/style.css')).type, 'text/css; charset=utf-8');
    const head = await raw(built.port, 'HEAD', '/demo/app.js');
    assert.deepEqual([head.status, head.body], [200, '']);
  });

  it('leaves every other path to the next handler', async () => {
    for (const path of ['/graphql', '/demos', '/', '/demo-x/app.js']) assert.equal((await raw(built.port, 'GET', path)).status, 418, path);
  });

  it('refuses other methods, traversal, unknown types and missing files', async () => {
    assert.equal((await raw(built.port, 'POST', '/demo/app.js')).status, 405);
    for (const path of ['/demo/../secret.txt', '/demo/%2e%2e/secret.txt', '/demo/..%2fsecret.txt', '/demo/%2e%2e%5csecret.txt', '/demo/notes.txt', '/demo/nope.js', '/demo/%E0%A4%A', '/demo/app.js%00.css']) {
      const { status, body } = await raw(built.port, 'GET', path);
      assert.equal(status, 404, path);
      assert.doesNotMatch(body, /outside the build/);
    }
  });

  it('answers 404 with how to build it when the demo was not built', async () => {
    const { status, body } = await raw(missing.port, 'GET', '/demo/');
    assert.equal(status, 404);
    assert.match(body, /npm run demo:build/);
  });
});
