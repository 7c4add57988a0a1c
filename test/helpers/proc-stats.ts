import { readdirSync, readFileSync } from 'node:fs';

// Linux /proc accounting of another process: CPU from /proc/<pid>/stat (utime + stime, in clock ticks),
// resident memory from /proc/<pid>/status (VmRSS now, VmHWM the peak so far; in kB).
const CLOCK_TICKS_PER_SECOND = 100;

/** CPU time the process has used so far, in user space and in the kernel, in µs. */
export const cpuTimes = (pid: number): { userMicros: number; kernelMicros: number } => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces; fields after it start past the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const micros = (ticks: string | undefined) => (Number(ticks) * 1_000_000) / CLOCK_TICKS_PER_SECOND;
  return { userMicros: micros(fields[11]), kernelMicros: micros(fields[12]) };
};

export const cpuMicros = (pid: number): number => {
  const { userMicros, kernelMicros } = cpuTimes(pid);
  return userMicros + kernelMicros;
};

const statusBytes = (pid: number, field: 'VmRSS' | 'VmHWM'): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
};

export const rssBytes = (pid: number): number => statusBytes(pid, 'VmRSS');

/** The highest resident memory the process has had since it started. */
export const peakRssBytes = (pid: number): number => statusBytes(pid, 'VmHWM');

/** A process's parent and state (`Z` a zombie), or undefined once it is gone. */
const parentAndState = (pid: number): { ppid: number; state: string } | undefined => {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), state: fields[0] ?? '' };
};

/** The live processes whose parent is `pid`. */
export const childPids = (pid: number): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((child) => parentAndState(child)?.ppid === pid);

/** Whether `pid` still runs: a zombie (dead, not yet reaped) does not. */
export const isRunning = (pid: number): boolean => {
  const stat = parentAndState(pid);
  return stat !== undefined && stat.state !== 'Z';
};
