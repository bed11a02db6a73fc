/**
 * A long computation written as a generator that yields between slices of its work: run it to
 * the end at once ({@link runSteps}) or let the isolate serve other work between slices
 * ({@link runStepsYielding}). The result is the same either way.
 */
export type Steps<T> = Generator<void, T, void>;

/**
 * Runs `steps` to the end without pausing (CLIs, tests).
 *
 * @example
 * const selection = runSteps(selectionSteps(graph, samples));
 */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * Runs `steps`, giving the event loop a turn (a zero timeout) every `every` slices: a Worker
 * running it keeps answering requests. Slices are counted, not timed (a Worker's clock does
 * not advance while it computes).
 *
 * @example
 * const selection = await runStepsYielding(selectionSteps(graph, samples));
 */
export async function runStepsYielding<T>(steps: Steps<T>, every = 128): Promise<T> {
  for (let n = 1; ; n++) {
    const next = steps.next();
    if (next.done) return next.value;
    if (n % every === 0) await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
}
