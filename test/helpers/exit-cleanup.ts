// One registry of what a test process started, so that a runner that dies leaves no child process
// (killed by PID, or by process group where the child leads one) and no temporary directory behind.
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const children = new Map<ChildProcess, { group: boolean }>();
const dirs = new Set<string>();

process.once('exit', () => {
  for (const [child, { group }] of children) {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) continue;
    try {
      process.kill(group ? -child.pid : child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Kills `child` (its whole group with `group: true`) if this process exits while it still runs. */
export const killOnExit = (child: ChildProcess, options: { group?: boolean } = {}): void => {
  children.set(child, { group: options.group ?? false });
  child.once('exit', () => children.delete(child));
};

/** Removes `dir` when this process exits (unless removed before). */
export const removeOnExit = (dir: string): void => {
  dirs.add(dir);
};

export const forgetDir = (dir: string): void => {
  dirs.delete(dir);
};
