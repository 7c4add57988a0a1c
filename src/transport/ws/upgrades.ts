import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { handleProtocols } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { withCloseTimeout } from '../internals/ws-internals.js';
import type { VerifyUpgrade } from '../upgrade-guard.js';

export interface UpgradeOptions<S extends typeof WebSocket> {
  httpServer: HttpServer;
  /** The only path upgraded; any other gets 400, as ws answers a path it does not serve. */
  path: string;
  maxPayloadBytes: number;
  closeTimeoutMs: number;
  verifyUpgrade: VerifyUpgrade;
  /** The class every accepted socket is made of (server-socket.ts). */
  WebSocket: S;
  /** A socket accepted, with the TCP socket it runs on. */
  onSocket: (socket: InstanceType<S>, transport: Socket) => void;
}

export interface Upgrades<S extends typeof WebSocket> {
  /** Every socket accepted and not yet closed. */
  readonly clients: ReadonlySet<InstanceType<S>>;
  /** Refuses upgrades from now on; open sockets carry on. */
  stop(): void;
}

/**
 * Accepts WebSocket upgrades on `httpServer` itself (a `noServer` ws server handed each `'upgrade'`), so
 * that the TCP socket under each WebSocket is the one node gave us, and ws adds nothing to the HTTP
 * server (it would forward the server's own errors, such as a port in use, to the WebSocket server).
 */
export const acceptUpgrades = <S extends typeof WebSocket>(options: UpgradeOptions<S>): Upgrades<S> => {
  const wss = new WebSocketServer<S>(
    withCloseTimeout(
      {
        noServer: true,
        path: options.path,
        maxPayload: options.maxPayloadBytes,
        verifyClient: options.verifyUpgrade,
        // Only `graphql-transport-ws` is agreed to; without it the socket opens with no subprotocol and
        // graphql-ws closes it with 4406.
        handleProtocols,
        WebSocket: options.WebSocket,
      },
      options.closeTimeoutMs,
    ),
  );
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // node hands a net.Socket (a TLSSocket is one too); anything else cannot carry our frame writes.
    if (!(socket instanceof Socket)) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (accepted) => options.onSocket(accepted, socket));
  };
  options.httpServer.on('upgrade', onUpgrade);
  let accepting = true;
  return {
    clients: wss.clients,
    stop() {
      if (!accepting) return;
      accepting = false;
      // Without an 'upgrade' listener, node answers an upgrade request as plain HTTP, as before the
      // WebSocket server was attached.
      options.httpServer.off('upgrade', onUpgrade);
      wss.close();
    },
  };
};
