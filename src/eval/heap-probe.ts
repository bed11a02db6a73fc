import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Samples `process.memoryUsage().heapUsed` whenever `sample()` is called and
 * reports the peak above the baseline taken after a full GC at creation. The
 * figure includes garbage not yet collected, so it is an upper bound of live
 * memory between samples; allocations freed between two samples are missed.
 */
export interface HeapProbe {
  sample(): void;
  peakMB(): number;
}

let collect: (() => void) | undefined;

/** Forces a full garbage collection (exposes `gc` on first use when node lacks --expose-gc). */
export function fullGc(): void {
  if (!collect) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  collect();
}

/** Collects garbage, takes the baseline and starts sampling. */
export function startHeapProbe(): HeapProbe {
  fullGc();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  return {
    sample() {
      const used = process.memoryUsage().heapUsed;
      if (used > peak) peak = used;
    },
    peakMB: () => (peak - baseline) / 1048576,
  };
}
