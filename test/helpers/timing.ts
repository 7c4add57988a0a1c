// Speed as a ratio within one run: medians of repeated timings, never an absolute bound.

export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** The median wall time of `times` sequential runs of `work`, in ms. */
export const timedMedian = async (work: () => Promise<unknown>, times: number): Promise<number> => {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const began = performance.now();
    await work();
    samples.push(performance.now() - began);
  }
  return median(samples);
};
