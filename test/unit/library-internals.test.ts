// Every assumption src/transport/internals/ makes about a library's undocumented behaviour or private
// fields, checked on the real objects (ws, node:http, @whatwg-node/server and yoga), so
// that an upgrade that breaks one fails here by name (docs/architecture.md "Library internals we rely on").
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, ServerResponse, type Server } from 'node:http';
import { connect, Socket, type AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import WebSocket, { WebSocketServer } from 'ws';
import { afterConnectionIdle, responseInFlightOn } from '../../src/transport/internals/node-http-internals.js';
import { nodeResponseOf, replaceBodyWrite, withBodyRead } from '../../src/transport/internals/whatwg-node-internals.js';
import { takesRawFrames, withCloseTimeout, writeRawFrame } from '../../src/transport/internals/ws-internals.js';
import { acceptsEventStream, SSE_EVENT_END, SSE_NEXT_EVENT_START } from '../../src/transport/internals/yoga-internals.js';
import { textFrame } from '../../src/transport/text-frames.js';
import { waitFor } from '../helpers/wait-for.js';

const servers: Server[] = [];
after(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const listen = async (server: Server): Promise<number> => {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
};

/** A WebSocket client on a bare TCP socket: what it reads after the handshake is every byte the server wrote. */
const rawClient = async (port: number): Promise<{ socket: Socket; frames: () => Buffer }> => {
  const socket = connect(port, '127.0.0.1');
  let received = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
  socket.write(
    `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await waitFor(() => received.includes('\r\n\r\n'), { what: 'the 101 answer' });
  assert.match(received.toString('latin1'), /^HTTP\/1\.1 101 /);
  const headerEnd = received.indexOf('\r\n\r\n') + 4;
  return { socket, frames: () => received.subarray(headerEnd) };
};

/** A masked client frame (RFC 6455 §5.3) with a payload under 126 bytes. */
const clientFrame = (opcode: number, payload: Buffer): Buffer => {
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((byte, index) => byte ^ (mask[index % 4] ?? 0)));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, masked]);
};

const wsServer = async (options: { closeTimeoutMs?: number } = {}) => {
  // Upgrades handed to ws as the server does (ws/upgrades.ts): `transport` is the TCP socket node gave us.
  const server = createServer();
  const wss = new WebSocketServer(withCloseTimeout({ noServer: true }, options.closeTimeoutMs ?? 30_000));
  const accepted = new Promise<{ socket: WebSocket; transport: Socket }>((resolve) =>
    server.on('upgrade', (request, transport, head) => {
      assert.ok(transport instanceof Socket);
      wss.handleUpgrade(request, transport, head, (socket) => resolve({ socket, transport }));
    }),
  );
  const port = await listen(server);
  const client = await rawClient(port);
  const { socket, transport } = await accepted;
  return { server, wss, socket, transport, client };
};

describe('ws 8.23 internals (ws-internals.ts)', () => {
  it('a frame written beneath ws is byte for byte what ws writes, in order with its own frames', async () => {
    const { socket, transport, client } = await wsServer();
    assert.equal(takesRawFrames(socket), true, 'no extension was offered, so none is negotiated');
    socket.send('first');
    writeRawFrame(transport, textFrame([Buffer.from('sec'), Buffer.from('ond')]));
    socket.send('third');
    const expected = Buffer.concat(['first', 'second', 'third'].map((text) => textFrame([Buffer.from(text)])));
    await waitFor(() => client.frames().length >= expected.length, { what: 'three frames' });
    assert.deepEqual(client.frames(), expected);
    client.socket.destroy();
  });

  it('bufferedAmount counts the bytes written beneath ws', async () => {
    const { socket, transport, client } = await wsServer();
    const frame = textFrame([Buffer.alloc(1000, 0x61)]);
    transport.cork();
    const before = socket.bufferedAmount;
    writeRawFrame(transport, frame);
    assert.equal(socket.bufferedAmount - before, frame.length);
    transport.uncork();
    client.socket.destroy();
  });

  it('a peer that breaks the framing is reported as an error with a WS_ERR_ code', async () => {
    const { socket, client } = await wsServer();
    const errors: unknown[] = [];
    socket.on('error', (error) => errors.push(error));
    client.socket.write(clientFrame(0x3, Buffer.from('x'))); // a reserved opcode
    await waitFor(() => errors.length === 1, { what: 'the receiver error' });
    const [error] = errors;
    assert.ok(error instanceof Error && 'code' in error);
    assert.equal(error.code, 'WS_ERR_INVALID_OPCODE');
    client.socket.destroy();
  });

  it('closeTimeout bounds the wait for a peer that never answers the close frame', async () => {
    const { socket, client } = await wsServer({ closeTimeoutMs: 100 });
    socket.close(1000, 'bye');
    // ws's default is 30 s: a socket closed within 5 s was cut by the option.
    await waitFor(() => socket.readyState === WebSocket.CLOSED, { what: 'the socket destroyed by closeTimeout', timeoutMs: 5_000 });
    client.socket.destroy();
  });
});

describe('node:http internals (node-http-internals.ts)', () => {
  it("a socket's _httpMessage is its response in flight, with headersSent", async () => {
    const seen: { same: boolean; before: boolean | undefined; afterHead: boolean | undefined }[] = [];
    const server = createServer((req, res) => {
      const inFlight = responseInFlightOn(req.socket);
      const before = inFlight?.headersSent;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.flushHeaders();
      seen.push({ same: inFlight === res, before, afterHead: responseInFlightOn(req.socket)?.headersSent });
      res.end('ok');
    });
    const port = await listen(server);
    const answer = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(await answer.text(), 'ok');
    assert.deepEqual(seen, [{ same: true, before: false, afterHead: true }]);
  });

  it('a keep-alive connection whose response closed is idle by the next turn', async () => {
    const server = createServer((_req, res) => {
      res.once('close', () => afterConnectionIdle(() => server.closeIdleConnections()));
      res.end('ok');
    });
    const port = await listen(server);
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('close', () => (closed = true));
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await waitFor(() => closed, { what: 'the idle connection closed' });
    assert.match(text, /keep-alive/i, 'the response kept the connection alive');
    assert.match(text, /ok$/);
  });
});

// A small yoga for the @whatwg-node/server and yoga checks: a query, and a subscription of two strings.
const schema = createSchema({
  typeDefs: 'type Query { hello: String } type Subscription { ticks: String }',
  resolvers: {
    Query: { hello: () => 'hi' },
    Subscription: {
      ticks: {
        subscribe: async function* () {
          yield { ticks: 'one\ntwo' };
          yield { ticks: 'three' };
        },
      },
    },
  },
});

describe('@whatwg-node/server 0.11 internals (whatwg-node-internals.ts)', () => {
  it("takes a body left on the node request instead of its (consumed) stream; the context carries node's res", async () => {
    const contexts: (ServerResponse | undefined)[] = [];
    const probe: Plugin = {
      onExecute: ({ args }) => void contexts.push(nodeResponseOf(args.contextValue)),
      onResponse: ({ serverContext }) => void contexts.push(nodeResponseOf(serverContext)),
    };
    const yoga = createYoga({ schema, plugins: [probe], logging: false });
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.once('end', () => {
        const request = withBodyRead(req, Buffer.concat(chunks));
        assert.ok(request);
        void yoga(request, res);
      });
    });
    const port = await listen(server);
    const text = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ port, host: '127.0.0.1', path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      });
      req.on('error', reject);
      req.write('{"query":'); // no content-length: chunked, as the server reads it ahead of yoga
      req.end('"{ hello }"}');
    });
    assert.deepEqual(JSON.parse(text), { data: { hello: 'hi' } });
    assert.equal(contexts.length, 2);
    for (const res of contexts) assert.ok(res instanceof ServerResponse);
  });

  it("pumps the body through the instance's res.write in order, whole chunks, pausing on false until 'drain'", async () => {
    const chunks = ['a\n\n', 'bb\n\n', 'ccc\n\n'];
    const written: string[] = [];
    let writtenWhenPaused = -1;
    const probe: Plugin = {
      onRequest: ({ endResponse, fetchAPI }) => {
        const encoder = new fetchAPI.TextEncoder();
        const body = new fetchAPI.ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode(chunks[0]));
            // The rest only once the first is written (below), so that they are there while it is paused.
            rest = () => {
              for (const chunk of chunks.slice(1)) controller.enqueue(encoder.encode(chunk));
              controller.close();
            };
          },
        });
        endResponse(new fetchAPI.Response(body, { headers: { 'content-type': 'text/event-stream' } }));
      },
      onResponse: ({ serverContext }) => {
        const res = nodeResponseOf(serverContext);
        assert.ok(res);
        replaceBodyWrite(res, (write, args) => {
          const [chunk] = args;
          written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
          write(...args);
          if (written.length > 1) return true;
          // The rest is in the body right after this write returns false: a pump that did not pause would
          // write it within this turn.
          queueMicrotask(rest);
          setImmediate(() => {
            writtenWhenPaused = written.length;
            res.emit('drain');
          });
          return false;
        });
      },
    };
    let rest: () => void = () => undefined;
    const yoga = createYoga({ schema, plugins: [probe], logging: false });
    const server = createServer((req, res) => void yoga(req, res));
    const port = await listen(server);
    const answer = await fetch(`http://127.0.0.1:${port}/graphql`);
    assert.equal(await answer.text(), chunks.join(''));
    assert.equal(writtenWhenPaused, 1);
    assert.equal(written.join(''), chunks.join(''));
    // Chunks may be joined, never cut: a write of whole events ends at an event's end (use-sse-send-bound.ts).
    for (const chunk of written) assert.ok(chunk.endsWith(SSE_EVENT_END), JSON.stringify(chunk));
  });
});

describe('graphql-yoga 5.24 internals (yoga-internals.ts)', () => {
  const yoga = createYoga({ schema, logging: false });
  const subscribe = (accept: string | undefined) =>
    new Request('http://yoga.invalid/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(accept === undefined ? {} : { accept }) },
      body: JSON.stringify({ query: 'subscription { ticks }' }),
    });

  it('writes each result as `event: next` and a one-line `data:`, each event ending in a blank line', async () => {
    const answer = await yoga.fetch(subscribe('text/event-stream'));
    const text = await answer.text();
    const next = (value: string) => `${SSE_NEXT_EVENT_START}data: ${JSON.stringify({ data: { ticks: value } })}${SSE_EVENT_END}`;
    assert.equal(text, `:${SSE_EVENT_END}${next('one\ntwo')}${next('three')}event: complete\ndata:${SSE_EVENT_END}`);
  });

  for (const accept of [
    undefined,
    'text/event-stream',
    '*/*',
    'text/*',
    'application/json',
    'application/graphql-response+json',
    'application/json, text/event-stream;q=0.5',
    'TEXT/EVENT-STREAM',
    'text/event-stream; charset=utf-8',
    'text/event-stream; charset=latin1',
    'text/event-stream; charset=latin1, application/json',
    'multipart/mixed',
  ]) {
    it(`answers a subscription as SSE exactly when acceptsEventStream says so (Accept: ${accept ?? 'none'})`, async () => {
      const request = subscribe(accept);
      const answer = await yoga.fetch(request);
      await answer.text();
      const isSse = answer.headers.get('content-type')?.startsWith('text/event-stream') ?? false;
      assert.equal(isSse, acceptsEventStream(request));
    });
  }
});
