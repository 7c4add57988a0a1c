/** Percentiles of a sample (nearest-rank), in the sample's unit. */
export const percentiles = (values: number[]): { p50: number; p90: number; p99: number; max: number; count: number } => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
  return { p50: at(50), p90: at(90), p99: at(99), max: sorted.at(-1) ?? Number.NaN, count: sorted.length };
};

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));
