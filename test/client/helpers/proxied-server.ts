// One real server per test file with a TCP proxy in front of it, started before the file's tests and
// stopped (proxy first, then the server by PID) after them.
import { after, before } from 'node:test';
import { startServer, type AppFixture } from '../../helpers/app-fixture.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export interface ProxiedServer {
  server(): AppFixture;
  proxy(): TcpProxy;
}

const started = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`${what} is not started: use it inside a test`);
  return value;
};

/** Call inside `describe`: registers the before/after hooks. */
export const useProxiedServer = (): ProxiedServer => {
  let server: AppFixture | undefined;
  let proxy: TcpProxy | undefined;
  before(async () => {
    server = await startServer();
    proxy = await startTcpProxy(server.port);
  });
  after(async () => {
    await proxy?.close();
    await server?.stop();
  });
  return { server: () => started(server, 'the server'), proxy: () => started(proxy, 'the proxy') };
};
