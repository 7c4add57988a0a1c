// Health, GraphiQL, body limits and start-up configuration of a real server process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gql, gqlData } from '../helpers/graphql-http.js';
import { waitFor } from '../helpers/wait-for.js';
import { runServerExpectingExit, startServer, type ServerProcess } from '../helpers/server-process.js';
import { TEST_SECRET, tokenFor } from '../helpers/tokens.js';

describe('HTTP surface', () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer({ env: { MAX_QUERY_DEPTH: '3' } });
  });
  after(() => server.stop());

  it('answers /healthz and /readyz without a token', async () => {
    const base = server.url.replace('/graphql', '');
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
  });

  it('serves GraphiQL to browsers, with its assets inline', async () => {
    const response = await fetch(server.url, { headers: { accept: 'text/html' } });
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /graphiql/i);
    assert.doesNotMatch(html, /<script[^>]+src="https?:\/\/unpkg/i, 'no CDN scripts');
  });

  it('reads a body up to 1 MB and refuses a larger one with 413 and a coded JSON error', async () => {
    const token = await tokenFor('big');
    const padded = { query: `{ viewer { id } }${' '.repeat(900_000)}` };
    const ok = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(padded) });
    assert.equal(ok.status, 200);
    const tooBig = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `{ viewer { id } }${' '.repeat(1_100_000)}` }),
    });
    assert.equal(tooBig.status, 413);
    const body = (await tooBig.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(body.errors[0]?.extensions.code, 'PAYLOAD_TOO_LARGE');
    const message = await gql(server.url, { token, query: 'mutation($b: String!) { sendMessage(input: { roomId: "room_x", body: $b }) { seq } }', variables: { b: 'z'.repeat(100_000) } });
    assert.equal(message.body.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', 'a 100 KB body is read and refused for its length');
  });

  it('cuts a chunked body (no Content-Length) once it passes the limit, before anything runs', async () => {
    const token = await tokenFor('chunked');
    const { createRoom } = await gqlData<{ createRoom: { id: string } }>(server.url, { token, query: 'mutation { createRoom(input: { name: "chunked" }) { id } }' });
    const roomId = createRoom.id;
    // A valid sendMessage whose body streams 20 MB in 64 KiB chunks: yoga's own limit is off (the HTTP
    // server counts the bytes), so this is what keeps an unbounded upload out. 20 MB, not just over the
    // limit: loopback buffers take a few MB before the client notices the cut.
    const CHUNKS = 320;
    const head = `{"query":"mutation($r: ID!, $b: String!) { sendMessage(input: { roomId: $r, body: $b }) { seq } }","variables":{"r":"${roomId}","b":"`;
    const chunk = new TextEncoder().encode('y'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode(head)),
      pull: (controller) => {
        if (sent >= CHUNKS) return controller.close();
        sent += 1;
        controller.enqueue(sent === CHUNKS ? new TextEncoder().encode('"}}') : chunk);
      },
    });
    const outcome = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
      duplex: 'half',
    } as RequestInit).then(
      async (response) => ({ status: response.status, code: ((await response.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code }),
      () => ({ status: 0, code: 'connection cut' }),
    );
    // The 413 races the cut: the client sees one or the other, never a 200.
    assert.ok(outcome.status === 413 ? outcome.code === 'PAYLOAD_TOO_LARGE' : outcome.code === 'connection cut', JSON.stringify(outcome));
    assert.ok(sent < CHUNKS, `the server stopped reading long before the end (${sent} of ${CHUNKS} chunks pulled)`);
    const history = await gql<{ messages: { edges: unknown[] } }>(server.url, { token, query: 'query($r: ID!) { messages(roomId: $r, last: 5) { edges { cursor } } }', variables: { r: roomId } });
    assert.deepEqual(history.body.data?.messages.edges, [], 'nothing was sent'); // (depth 3: this server's MAX_QUERY_DEPTH)
  });

  it('refuses documents deeper than MAX_QUERY_DEPTH', async () => {
    const token = await tokenFor('deep');
    const shallow = await gql(server.url, { token, query: '{ rooms { edges { cursor } } }' });
    assert.equal(shallow.body.errors, undefined);
    const deep = await gql(server.url, { token, query: '{ rooms { edges { node { owner { id } } } } }' });
    assert.equal(deep.body.errors?.[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
  });

  it('starts with the README command `npm start` and stops on SIGTERM', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    // Its own process group, so that npm and the server it starts are signalled together, by PID.
    const child = spawn('npm', ['start'], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: '0', JWT_SECRET: TEST_SECRET } });
    assert.ok(child.pid);
    const groupId = child.pid;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const port = await waitFor(() => /"port":(\d+)[^\n]*"msg":"listening"/.exec(output)?.[1], { what: '`npm start` listening', timeoutMs: 30_000 });
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    } finally {
      process.kill(-groupId, 'SIGTERM');
      const timer = setTimeout(() => process.kill(-groupId, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  });

  it('refuses to start with a bad configuration, naming every bad key', async () => {
    const bad = await runServerExpectingExit({ PORT: 'abc', LOG_LEVEL: 'loud' });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /PORT/);
    assert.match(bad.stderr, /LOG_LEVEL/);
    const production = await runServerExpectingExit({ NODE_ENV: 'production', JWT_SECRET: '' });
    assert.notEqual(production.code, 0);
    assert.match(production.stderr, /JWT_SECRET/);
  });
});
