import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { codedErrorResponse, ErrorCode } from '../errors/index.js';
import { responseInFlightOn } from './internals/node-http-internals.js';

// Node's parser codes for a request line plus headers over its 16 KiB limit, and for a slow request.
const STATUS_BY_CODE: Readonly<Record<string, number>> = { HPE_HEADER_OVERFLOW: 431, ERR_HTTP_REQUEST_TIMEOUT: 408 };

/**
 * Requests that node's HTTP parser rejects before any handler runs (a URL or headers over 16 KiB, a
 * malformed request line, bad header characters) get the same kind of answer as every other refusal: a 4xx
 * with a JSON body whose error has a code (BAD_REQUEST), instead of node's bare status line.
 */
export const answerClientErrors = (server: Server): void => {
  server.on('clientError', (error: Error & { code?: string }, socket: Duplex) => {
    // As node's own handler: a raw response may go out unless one of ours has already begun on the socket
    // (a malformed chunked body fails while its request is being handled, before anything was answered).
    const inFlight = responseInFlightOn(socket);
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
      socket.destroy();
      return;
    }
    const status = STATUS_BY_CODE[error.code ?? ''] ?? 400;
    const body = JSON.stringify(codedErrorResponse(ErrorCode.BadRequest, `Malformed HTTP request (${STATUS_CODES[status] ?? 'Bad Request'})`));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
};
