// Whether a child process has exited, and a bounded wait for it: shared by the helpers that start
// redis-server, PostgreSQL and Roomcast processes.
import type { ChildProcess } from 'node:child_process';

export const exited = (child: ChildProcess): boolean => child.exitCode !== null || child.signalCode !== null;

/** Resolves true once `child` has exited, false if it has not after `timeoutMs`. */
export const waitForExit = (child: ChildProcess, timeoutMs: number): Promise<boolean> =>
  new Promise((resolve) => {
    if (exited(child)) return resolve(true);
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
