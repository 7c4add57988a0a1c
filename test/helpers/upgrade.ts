// One raw WebSocket upgrade with `ws`, for tests of what the server answers before graphql-ws runs.
import type { IncomingHttpHeaders } from 'node:http';
import WebSocket from 'ws';

export interface UpgradeAnswer {
  /** 101 when the WebSocket was accepted, else the HTTP status of the refusal. */
  status: number;
  headers: IncomingHttpHeaders;
}

/** Attempts an upgrade (sub-protocol graphql-transport-ws), closes the socket if accepted, and says how it went. */
export const tryUpgrade = (
  wsUrl: string,
  options: { origin?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<UpgradeAnswer> =>
  new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl, 'graphql-transport-ws', {
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      ...(options.headers === undefined ? {} : { headers: options.headers }),
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      settle(() => reject(new Error(`no answer to the upgrade within ${options.timeoutMs ?? 5_000} ms`)));
      socket.terminate();
    }, options.timeoutMs ?? 5_000);
    socket.once('upgrade', (response) => {
      settle(() => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
      socket.close();
    });
    socket.once('unexpected-response', (_request, response) => {
      settle(() => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
      response.resume();
      socket.terminate();
    });
    // Ending a refused handshake makes ws report an error too; only one before any answer is a failure.
    socket.on('error', (error) => settle(() => reject(error)));
  });
