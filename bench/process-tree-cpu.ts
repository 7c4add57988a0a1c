import { readdirSync } from 'node:fs';
import { statFields, ticksToMicros } from '../test/helpers/proc-stats.js';

// CPU of a process and everything it forked, from Linux /proc: PostgreSQL runs one backend process per
// connection (plus its background workers), all children of the postmaster. A backend that exits during a
// measurement is not lost: once the postmaster reaps it, its CPU moves into the postmaster's cutime and
// cstime, which are counted here too. So the sum over the tree only grows, and two readings can be
// subtracted even if backends came and went between them.
interface Stat {
  ppid: number;
  userMicros: number;
  kernelMicros: number;
  reapedUserMicros: number;
  reapedKernelMicros: number;
}

const readStat = (pid: number): Stat | undefined => {
  const fields = statFields(pid); // exited since the directory was listed: undefined
  if (!fields) return undefined;
  return {
    ppid: Number(fields[1]),
    userMicros: ticksToMicros(fields[11]),
    kernelMicros: ticksToMicros(fields[12]),
    reapedUserMicros: ticksToMicros(fields[13]),
    reapedKernelMicros: ticksToMicros(fields[14]),
  };
};

/** User and kernel CPU used so far by `rootPid`, its live descendants, and every descendant it has reaped, in µs. */
export const treeCpuTimes = (rootPid: number): { userMicros: number; kernelMicros: number } => {
  const stats = new Map<number, Stat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) stats.set(Number(name), stat);
  }
  const root = stats.get(rootPid);
  if (!root) throw new Error(`no process ${rootPid}`);
  let userMicros = root.userMicros + root.reapedUserMicros;
  let kernelMicros = root.kernelMicros + root.reapedKernelMicros;
  const inTree = new Set([rootPid]);
  // Parents have lower pids except after wrap-around, so repeat until no new member is found.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, stat] of stats) {
      if (inTree.has(pid) || !inTree.has(stat.ppid)) continue;
      inTree.add(pid);
      grew = true;
      // A live child's reaped children are its own; PostgreSQL backends fork none, but count them anyway.
      userMicros += stat.userMicros + stat.reapedUserMicros;
      kernelMicros += stat.kernelMicros + stat.reapedKernelMicros;
    }
  }
  return { userMicros, kernelMicros };
};
