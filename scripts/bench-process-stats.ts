/** CPU time of a process and of the machine from /proc, and percentiles: for the benchmark scripts. */
import { readFileSync } from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process (and its waited-for children), in seconds; 0 once it has gone. */
export function cpuSeconds(pid: number): number {
  try {
    // The command name may hold spaces and parentheses: fields count from the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / TICKS;
  } catch {
    return 0;
  }
}

/** Busy CPU seconds of the whole machine, all cores (everyone's work: the host is shared). */
export function machineCpuSeconds(): number {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
  const [, user, nice, system, , , irq, softirq, steal] = cpu!.trim().split(/\s+/).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / TICKS;
}

/** Nearest-rank percentile of sorted values, rounded to 0.1; null when there are none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const value = sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return Math.round(value * 10) / 10;
}
