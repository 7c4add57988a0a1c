import { readdirSync, readFileSync } from 'node:fs';

// CPU of a process and everything it forked, from Linux /proc: PostgreSQL runs one backend process per
// connection (plus its background workers), all children of the postmaster. A backend that exits during a
// measurement is not lost: once the postmaster reaps it, its CPU moves into the postmaster's cutime and
// cstime, which are counted here too. So the sum over the tree only grows, and two readings can be
// subtracted even if backends came and went between them.
const CLOCK_TICKS_PER_SECOND = 100;
const micros = (ticks: string | undefined) => (Number(ticks) * 1_000_000) / CLOCK_TICKS_PER_SECOND;

interface Stat {
  ppid: number;
  userMicros: number;
  kernelMicros: number;
  reapedUserMicros: number;
  reapedKernelMicros: number;
}

const readStat = (pid: number): Stat | undefined => {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited since the directory was listed
  }
  // The command name may contain spaces; fields after it start past the last ')' (field 3, state, is [0]).
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    ppid: Number(fields[1]),
    userMicros: micros(fields[11]),
    kernelMicros: micros(fields[12]),
    reapedUserMicros: micros(fields[13]),
    reapedKernelMicros: micros(fields[14]),
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
