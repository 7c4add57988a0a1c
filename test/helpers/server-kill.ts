// Crashing a server process on purpose: SIGKILL by PID, then a bounded wait until it has exited.
import type { ServerProcess } from './server-process.js';
import { waitFor } from './wait-for.js';

export const hasExited = (server: ServerProcess): boolean => server.child.exitCode !== null || server.child.signalCode !== null;

export const kill9 = async (server: ServerProcess): Promise<void> => {
  process.kill(server.pid, 'SIGKILL');
  await waitFor(() => hasExited(server), { timeoutMs: 5_000, what: `server pid ${server.pid} to exit after SIGKILL` });
};
