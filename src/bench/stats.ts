// Summary statistics of timing samples (ms).
export interface TimingSummary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

export function summarize(samples: readonly number[]): TimingSummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const pick = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? NaN;
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    n: sorted.length,
    mean: round(sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length)),
    p50: round(pick(0.5)),
    p95: round(pick(0.95)),
    max: round(sorted[sorted.length - 1] ?? NaN),
  };
}
