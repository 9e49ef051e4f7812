// The counters /metrics claims: a frame whose analysis throws is skipped and counted, the stream goes on;
// the analysed frames' stage timings and tracked faces reach the histograms and the gauge.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Subject } from 'rxjs';
import type { AffectEvent } from '../../../src/contracts/affect.js';
import type { MediaFork } from '../../../src/analyzer/fork/MediaFork.js';
import type { VideoFrame } from '../../../src/analyzer/media/frames.js';
import { StreamAnalysis } from '../../../src/analyzer/StreamAnalysis.js';
import { silentLogger } from '../../../src/log/logger.js';
import { AnalyzerObserver } from '../../../src/analyzer/AnalyzerObserver.js';
import { attachAnalyzerMetrics } from '../../../src/app/attachMetrics.js';
import { Metrics } from '../../../src/app/metrics.js';
import { face } from '../../support/affectEvents.js';

test('failed frames are skipped and counted in affectcast_failed_frames_total; good frames still publish', { timeout: 10_000 }, async () => {
  const frames$ = new Subject<VideoFrame>();
  const closed$ = new Subject<void>();
  // only the frames' stream matters here; the fault (an analyzer that throws) is what a real part cannot produce on demand
  const fork = { frames$, closed$ } as unknown as MediaFork;
  let n = 0;
  // frames 1 and 3 have one face (the fixture face), frames 0 and 2 throw
  const oneFace = face();
  const analyzer = {
    async analyzeDetailed() {
      if (n++ % 2 === 0) throw new Error('injected');
      return { faces: [oneFace], lostFaceIds: [], detected: true, timings: { detect: 4, mesh: 0, expression: 2, total: 6 } };
    },
    async analyze() {
      return (await this.analyzeDetailed()).faces;
    },
    close() {},
  };
  const metrics = new Metrics();
  // Attached from outside, as the App attaches it to the AnalyzerService's observer.
  const observer = new AnalyzerObserver();
  attachAnalyzerMetrics(observer, metrics);
  const events: AffectEvent[] = [];
  const analysis = new StreamAnalysis(fork, analyzer, { roomId: 'r', peerId: 'p', producerId: 'v', model: { id: 'm', version: '1' } }, (e) => events.push(e), { logger: silentLogger(), observer });
  const frame: VideoFrame = { width: 2, height: 2, data: new Uint8Array(12), capturedAt: Date.now() };
  for (let i = 0; i < 4; i++) {
    frames$.next(frame);
    await new Promise((r) => setTimeout(r, 20));
  }
  const live = await metrics.registry.metrics();
  assert.match(live, /^affectcast_tracked_faces 1$/m);
  analysis.close();
  const text = await metrics.registry.metrics();
  assert.match(text, /^affectcast_failed_frames_total 2$/m);
  assert.match(text, /^affectcast_affect_events_total 2$/m);
  assert.equal(events.length, 2);
  // the two analysed frames: detect and expression observed (4 ms and 2 ms), the mesh that did not run is not a sample
  assert.match(text, /^affectcast_stage_duration_ms_count\{stage="detect"\} 2$/m);
  assert.match(text, /^affectcast_stage_duration_ms_sum\{stage="detect"\} 8$/m);
  assert.match(text, /^affectcast_stage_duration_ms_count\{stage="expression"\} 2$/m);
  assert.doesNotMatch(text, /stage="mesh"\} [1-9]/);
  assert.match(text, /^affectcast_stage_duration_ms_count\{stage="publish"\} 2$/m);
  // the closed stream takes its face away
  assert.match(text, /^affectcast_tracked_faces 0$/m);
});
