// A TCP proxy that cuts every connection mid-stream: once it has passed `cutAfterBytes` from the server
// to the client, it destroys both sides, as a flaky network or an impatient proxy would.
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export interface CuttingProxy {
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  /** Connections this proxy cut (the others ended on their own). */
  cuts(): number;
  close(): Promise<void>;
}

export const startCuttingProxy = async ({ upstreamPort, cutAfterBytes }: { upstreamPort: number; cutAfterBytes: number }): Promise<CuttingProxy> => {
  const open = new Set<Socket>();
  let connections = 0;
  let cuts = 0;
  const server = createServer((client) => {
    connections += 1;
    const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort });
    open.add(client).add(upstream);
    let passed = 0;
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      const room = cutAfterBytes - passed;
      passed += chunk.length;
      if (chunk.length < room) return void client.write(chunk);
      // Part of this chunk, then nothing more: the cut falls inside whatever the server was writing.
      client.write(chunk.subarray(0, room), () => {
        cuts += 1;
        end();
      });
    });
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port, // a TCP server listening on a port
    connections: () => connections,
    cuts: () => cuts,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
