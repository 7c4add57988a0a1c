// A loopback TCP proxy in front of a test server, so a test can cut the network under a real client:
// `cut()` resets every open connection in both directions (the client sees an abnormal close, the server
// a reset), `stall()` silently stops forwarding (no close at all), `refuse()` resets new connections as
// they arrive, as a server that is unreachable for a while.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

const CLOSE_TIMEOUT_MS = 5_000;

export interface TcpProxy {
  port: number;
  /** http://127.0.0.1:<port>/graphql through the proxy. */
  url: string;
  /** Connections accepted so far (refused ones included). */
  accepted(): number;
  /** Resets every open connection; returns how many were cut. New connections are accepted as before. */
  cut(): number;
  /** Stops forwarding on every open connection without closing it: a peer that vanished silently. */
  stall(): number;
  /** While true, new connections are reset at once. */
  refuse(refusing: boolean): void;
  close(): Promise<void>;
}

export const startTcpProxy = async (targetPort: number): Promise<TcpProxy> => {
  const pairs = new Set<[Socket, Socket]>();
  let accepted = 0;
  let refusing = false;

  const server: Server = createServer((client) => {
    accepted += 1;
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : 0);
    });
  });

  return {
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    accepted: () => accepted,
    cut() {
      const count = pairs.size;
      for (const [client, upstream] of [...pairs]) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
      pairs.clear();
      return count;
    },
    stall() {
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
      return pairs.size;
    },
    refuse(value) {
      refusing = value;
    },
    async close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
};
