// The bench's results as the Markdown tables the README shows.
import type { BenchResult } from './runBench.js';

const cell = (v: number) => (Number.isFinite(v) ? String(v) : '–');

export function formatTable(r: BenchResult): string {
  const lines = [
    `${r.date} · ${r.machine.cpus} × ${r.machine.cpuModel} · load ${r.machine.loadAverage1m} at start · profile ${r.config.profile}, ${r.config.analysedFpsConfigured} fps configured, ${r.config.inferenceThreads} inference threads`,
    '',
    '| streams | analysed fps (min / mean) | frame→event p50 / p95 / p99 ms | end to end p50 / p95 ms | CPU % per stream | RSS MB | dropped frames |',
    '|---|---|---|---|---|---|---|',
  ];
  const row = (run: BenchResult['runs'][number], note = '') =>
    `| ${run.streams}${note} | ${cell(run.minAnalysedFps)} / ${cell(run.meanAnalysedFps)} | ${cell(run.latencyMs.p50)} / ${cell(run.latencyMs.p95)} / ${cell(run.latencyMs.p99)} | ${cell(run.endToEndMs.p50)} / ${cell(run.endToEndMs.p95)} | ${cell(run.cpuPercentPerStream)} | ${cell(run.rssMB)} | ${run.droppedFrames} |`;
  for (const run of r.runs) lines.push(row(run));
  if (r.overload && !r.runs.includes(r.overload)) lines.push(row(r.overload, ' (below the minimum)'));
  const s = r.own.stages;
  lines.push(
    '',
    `faces/s on the same ${r.peerDetails.framesPerThread} decoded frames, ${r.own.threads} threads: affectcast ${r.facesPerSecond}, ${r.peer.name} (${r.peer.backend}) ${r.peer.facesPerSecond}: ${r.ratioVsPeer}×`,
    `one stream, per frame (p50 ms): detect ${s.detect.p50}, FaceMesh V2 + blendshapes ${s.mesh.p50}, expression ${s.expression.p50} (beside the mesh), total ${s.total.p50}`,
    '',
    ...r.targets.map((t) => `${t.met ? 'met    ' : 'NOT met'}  ${t.goal}: ${cell(t.value)}`),
  );
  return lines.join('\n');
}
