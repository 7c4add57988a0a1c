// Crashing a server process on purpose: SIGKILL by PID, then a bounded wait until it has exited.
import { exited } from './child-exit.js';
import type { ServerProcess } from './server-process.js';
import { waitFor } from './wait-for.js';

export const hasExited = (server: ServerProcess): boolean => exited(server.child);

export const kill9 = async (server: ServerProcess): Promise<void> => {
  process.kill(server.pid, 'SIGKILL');
  await waitFor(() => hasExited(server), { timeoutMs: 5_000, what: `server pid ${server.pid} to exit after SIGKILL` });
};
