import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports CPU times in clock ticks; 100 per second on every mainstream distribution. */
const TICKS_PER_SECOND = 100;

/** Resident memory of a process from `/proc/<pid>/status`, in bytes: now (VmRSS) and peak (VmHWM). */
export function readMemory(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kb('VmRSS') * 1024, hwm: kb('VmHWM') * 1024 };
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds a process has used, from `/proc/<pid>/stat` (fields 14 and 15). */
export function readCpuSeconds(pid: number, path = `/proc/${pid}/stat`): number {
  try {
    const stat = readFileSync(path, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis are plain.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/**
 * User + system CPU seconds of each thread of a process, by thread id, from `/proc/<pid>/task/<tid>/stat`. The main
 * thread's id is the process's.
 */
export function readThreadCpuSeconds(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    const seconds = readCpuSeconds(Number(tid), `/proc/${pid}/task/${tid}/stat`);
    if (!Number.isNaN(seconds)) threads.set(Number(tid), seconds);
  }
  return threads;
}

/**
 * CPU seconds the whole machine has spent busy, and those the hypervisor took for other guests (steal), from the first
 * line of `/proc/stat`. Busy minus the server's and the bench's own is what other processes used.
 */
export function readMachineCpuSeconds(): { busy: number; steal: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0);
    return { busy: busy / TICKS_PER_SECOND, steal: (steal ?? 0) / TICKS_PER_SECOND };
  } catch {
    return { busy: Number.NaN, steal: Number.NaN };
  }
}

/** CPU seconds of this process (the load generator and the fake Graph). */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

export interface RssSample {
  /** Seconds since the sampler started. */
  t: number;
  /** VmRSS in bytes. */
  value: number;
}

/** Samples a process's VmRSS every `everyMs` until stopped. */
export function sampleRss(pid: number, everyMs = 500): { stop(): RssSample[] } {
  const samples: RssSample[] = [];
  const started = performance.now();
  const take = () => {
    const memory = readMemory(pid);
    if (memory) samples.push({ t: (performance.now() - started) / 1000, value: memory.rss });
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}
