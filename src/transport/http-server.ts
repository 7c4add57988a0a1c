import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { codedErrorResponse, ErrorCode } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { answerClientErrors } from './client-errors.js';
import { createDemoStatic } from './demo-static.js';
import { withBodyRead } from './internals/whatwg-node-internals.js';
import { redirectRoot } from './root-redirect.js';
import { GRAPHQL_PATH, type RoomcastYoga } from './yoga.js';

export interface BodyLimits {
  maxBodyBytes: number;
  /** What of a refused body is read and thrown away, at most, before its connection is closed. */
  refusedBodyDrain: Readonly<{ maxBytes: number; timeoutMs: number }>;
}

/**
 * Answers 413 at once, but closes the connection only once the rest of the body has been read. Closing a
 * socket with unread bytes in it makes the kernel answer them with a reset, which reaches a client still
 * writing its body before it has read the 413 (its writes fail with EPIPE, its read with ECONNRESET). The
 * response is written in full now (it has a Content-Length) and ended when the body ends; a body that runs
 * past the drain's bytes or time is cut off there, so an endless one holds the socket for a bounded time.
 */
const refuseTooLarge = (req: IncomingMessage, res: ServerResponse, limits: BodyLimits, clock: Clock): void => {
  const body = JSON.stringify(codedErrorResponse(ErrorCode.PayloadTooLarge, `Request body is larger than ${limits.maxBodyBytes} bytes`));
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.write(body);
  let drainedBytes = 0;
  const finish = () => {
    cancelCut();
    req.off('data', discard);
    if (!res.writableEnded) res.end();
  };
  const cut = () => {
    finish();
    req.socket.destroy();
  };
  const discard = (chunk: Buffer) => {
    drainedBytes += chunk.length;
    if (drainedBytes > limits.refusedBodyDrain.maxBytes) cut();
  };
  const cancelCut = clock.setTimeout(cut, limits.refusedBodyDrain.timeoutMs);
  req.on('data', discard);
  req.once('end', finish);
  res.once('close', cancelCut);
};

// What yoga answers a POST with an empty body (with a Content-Length of 0) too.
const answerEmptyBody = (res: ServerResponse): void => {
  const body = JSON.stringify(codedErrorResponse(ErrorCode.BadRequest, 'The POST body is empty: send a JSON GraphQL request'));
  res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

/**
 * A body without a declared length (chunked), read here up to the limit before yoga sees it: past the
 * limit it is refused like a declared one, before anything ran, and with nothing of yoga's still reading.
 */
const readChunkedBody = (req: IncomingMessage, limits: BodyLimits, onBody: (body: Buffer) => void, onTooLarge: () => void): void => {
  const chunks: Buffer[] = [];
  let receivedBytes = 0;
  const collect = (chunk: Buffer) => {
    receivedBytes += chunk.length;
    if (receivedBytes <= limits.maxBodyBytes) {
      chunks.push(chunk);
      return;
    }
    req.off('data', collect);
    req.off('end', done);
    chunks.length = 0;
    onTooLarge();
  };
  const done = () => onBody(Buffer.concat(chunks, receivedBytes));
  req.on('data', collect);
  req.once('end', done);
};

/**
 * Node's HTTP server in front of yoga. A body whose declared length is over the limit is refused before
 * it is read; a chunked body is read up to the limit first and refused once it passes it.
 */
export const createHttpServer = (yoga: RoomcastYoga, limits: BodyLimits, clock: Clock): Server => {
  const serveDemo = createDemoStatic();
  const serveRoot = redirectRoot(GRAPHQL_PATH);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (serveRoot(req, res) || serveDemo(req, res)) return;
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > limits.maxBodyBytes) return refuseTooLarge(req, res, limits, clock);
    if (req.headers['transfer-encoding'] === undefined) return void yoga(req, res);
    readChunkedBody(
      req,
      limits,
      (body) => {
        const request = withBodyRead(req, body);
        if (request) void yoga(request, res);
        else answerEmptyBody(res);
      },
      () => refuseTooLarge(req, res, limits, clock),
    );
  });
  answerClientErrors(server);
  return server;
};
