import { readdirSync, readFileSync } from 'node:fs';

// Linux /proc of another process: its state, parent and CPU from /proc/<pid>/stat (utime + stime, in clock ticks),
// resident memory from /proc/<pid>/status (VmRSS now, VmHWM the peak so far; in kB).
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * The fields of /proc/<pid>/stat from the third (state) on, so that `[0]` is the state, `[1]` the parent,
 * `[11]`/`[12]` user and kernel ticks; undefined once the process is gone. The command name before them
 * may contain spaces, so they start past the last ')'.
 */
export const statFields = (pid: number): string[] | undefined => {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
};

/** Clock ticks (/proc's unit) in µs. */
export const ticksToMicros = (ticks: string | undefined): number => (Number(ticks) * 1_000_000) / CLOCK_TICKS_PER_SECOND;

/** CPU time the process has used so far, in user space and in the kernel, in µs. */
export const cpuTimes = (pid: number): { userMicros: number; kernelMicros: number } => {
  const fields = statFields(pid);
  if (!fields) throw new Error(`no process ${pid}`);
  return { userMicros: ticksToMicros(fields[11]), kernelMicros: ticksToMicros(fields[12]) };
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

/** The live processes whose parent is `pid`. */
export const childPids = (pid: number): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((child) => statFields(child)?.[1] === String(pid));

/** Whether `pid` still runs: a zombie (dead, not yet reaped) does not. */
export const isRunning = (pid: number): boolean => {
  const state = statFields(pid)?.[0];
  return state !== undefined && state !== 'Z';
};
