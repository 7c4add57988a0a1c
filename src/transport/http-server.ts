import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { codedErrorResponse, ErrorCode } from '../errors/index.js';
import { answerClientErrors } from './client-errors.js';
import { createDemoStatic } from './demo-static.js';
import type { RoomcastYoga } from './yoga.js';

const refuseTooLarge = (res: ServerResponse, maxBodyBytes: number): void => {
  const body = JSON.stringify(codedErrorResponse(ErrorCode.PayloadTooLarge, `Request body is larger than ${maxBodyBytes} bytes`));
  res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  res.end(body);
};

/**
 * Node's HTTP server in front of yoga. A body whose declared length is over the limit is refused before
 * it is read; a chunked body is counted as it streams and the connection is cut once it passes the limit.
 */
export const createHttpServer = (yoga: RoomcastYoga, maxBodyBytes: number): Server => {
  const serveDemo = createDemoStatic();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (serveDemo(req, res)) return;
    const declared = Number(req.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      refuseTooLarge(res, maxBodyBytes);
      req.resume();
      return;
    }
    if (req.headers['transfer-encoding'] !== undefined) {
      let received = 0;
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > maxBodyBytes && !res.headersSent) {
          refuseTooLarge(res, maxBodyBytes);
          req.destroy();
        }
      });
    }
    void yoga(req, res);
  });
  answerClientErrors(server);
  return server;
};
