import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { round } from './stats.js';

/** The machine a benchmark ran on: cores this process may use, the CPU's model name and the memory (from /proc), Node, load. */
export const describeMachine = () => {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const memTotalKb = Number(/^MemTotal:\s+(\d+) kB/m.exec(meminfo)?.[1] ?? Number.NaN);
  return {
    cpus: availableParallelism(),
    model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    memoryGiB: round(memTotalKb / 2 ** 20, 1),
    node: process.version,
    loadAverageAtStart: loadavg().map((value) => round(value, 1)),
  };
};
