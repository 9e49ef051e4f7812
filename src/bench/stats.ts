// Summary statistics of timing samples (ms), nearest-rank percentiles.
export interface TimingSummary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export const round = (value: number, digits = 2): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/** The nearest-rank `p` quantile (0..1) of `samples`; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
}

export function summarize(samples: readonly number[]): TimingSummary {
  return {
    n: samples.length,
    mean: round(samples.reduce((s, v) => s + v, 0) / Math.max(1, samples.length)),
    p50: round(percentile(samples, 0.5)),
    p95: round(percentile(samples, 0.95)),
    p99: round(percentile(samples, 0.99)),
    max: round(samples.reduce((m, v) => Math.max(m, v), -Infinity)),
  };
}
