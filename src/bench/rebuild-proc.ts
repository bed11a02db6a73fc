/**
 * Memory of the workerd process behind a `wrangler dev` (Linux /proc). The Worker's isolate
 * lives in that process, so its resident set is the closest outside figure of the isolate's
 * memory; it includes the runtime itself and the local D1 (SQLite) and KV of miniflare.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';

/** Kernel clock ticks per second (`getconf CLK_TCK`, 100 on Linux). */
const CLOCK_TICKS = 100;

/** The fields of `/proc/<pid>/stat` after the command name (state first, so utime is [11]); undefined when the process is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Parent pid of every process we can read. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const fields = statFields(Number(name));
    if (fields) map.set(Number(name), Number(fields[1]));
  }
  return map;
}

/** Whether `pid` has `root` among its ancestors, by the parent map. */
function isBelow(pid: number, root: number, ppid: Map<number, number>): boolean {
  for (let p = ppid.get(pid); p !== undefined && p > 1; p = ppid.get(p)) if (p === root) return true;
  return false;
}

/** A workerd process and its command line. */
export interface WorkerdProcess {
  pid: number;
  cmd: string;
}

/** The workerd processes below `root` (a wrangler child): walks the parent chain of every process. */
export function findWorkerd(root: number): WorkerdProcess[] {
  const ppid = parents();
  const found: WorkerdProcess[] = [];
  for (const pid of ppid.keys()) {
    let cmd = '';
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    } catch {
      continue;
    }
    if (!/(^|\/)workerd(\s|$)/.test(cmd.split(' ')[0] ?? '') && !cmd.includes('/workerd ')) continue;
    if (isBelow(pid, root, ppid)) found.push({ pid, cmd });
  }
  return found.sort((a, b) => a.pid - b.pid);
}

/**
 * The workerd that runs the Worker. `wrangler dev` starts two: a small proxy bound to the
 * public port (`--socket-addr=entry=<ip>:<port>`), and miniflare's runtime on a random port
 * with the inspector (`--inspector-addr`), which holds the Worker's isolate, D1 and KV.
 */
export function runtimeWorkerd(found: readonly WorkerdProcess[], port: number): WorkerdProcess | undefined {
  return found.find((p) => p.cmd.includes('--inspector-addr')) ?? found.find((p) => !p.cmd.includes(`:${port} `)) ?? found[found.length - 1];
}

/** Resident set now and its peak (VmHWM), in MB. */
export interface Memory {
  rssMB: number;
  peakMB: number;
}

/** VmRSS and VmHWM of a process. */
export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
  return { rssMB: kb('VmRSS') / 1024, peakMB: kb('VmHWM') / 1024 };
}

/**
 * Resets the peak (VmHWM) to the current resident set (`echo 5 > /proc/<pid>/clear_refs`,
 * Linux 4.0+, same user). Returns false when the kernel refuses; the sampler still runs.
 */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples VmRSS every `ms` until stopped: a second peak figure that does not rely on clear_refs. */
export function rssSampler(pid: number, ms = 100): { stop(): number } {
  let peak = 0;
  const sample = () => {
    try {
      peak = Math.max(peak, memory(pid).rssMB);
    } catch {
      /* process gone */
    }
  };
  sample();
  const timer = setInterval(sample, ms);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** CPU seconds (user + system) a process has used so far, from `/proc/<pid>/stat` (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS : 0;
}

/**
 * CPU seconds (user + system) used so far by `root` and every process below it that is still
 * running, each with what its own ended and reaped children used (`/proc/<pid>/stat`: utime,
 * stime, cutime, cstime). Taken before and after a step, the difference is that step's CPU over
 * all its threads and processes (a child that ended during the step counts once it is reaped).
 */
export function treeCpuSeconds(root: number): number {
  const ppid = parents();
  let ticks = 0;
  for (const pid of ppid.keys()) {
    if (pid !== root && !isBelow(pid, root, ppid)) continue;
    const fields = statFields(pid);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return ticks / CLOCK_TICKS;
}
