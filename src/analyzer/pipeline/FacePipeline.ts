// The face pipeline every profile shares: locate (detect → track) → the profile's face models (crop →
// models) → FaceAffect (normalised box, score, the models' values) → per-face smoothing. One FacePipeline per
// video stream (tracks, ids and per-face state are per stream); analyze() calls are serialised, so frames
// are processed in order.
import type { FaceAffect } from '../../contracts/affect.js';
import { EnhancedEventEmitter } from '../../events/EnhancedEventEmitter.js';
import type { Logger } from '../../log/logger.js';
import type { FrameAnalysis, FrameAnalyzerEvents, StageTimings } from '../FrameAnalyzerTypes.js';
import { clamp01, normaliseBox } from '../image/geometry.js';
import type { VideoFrame } from '../media/frames.js';
import type { StreamAnalyzer } from '../profiles/AnalysisProfile.js';
import { FaceSmoother } from '../smoothing/FaceSmoother.js';
import type { OneEuroParams } from '../smoothing/OneEuroFilter.js';
import type { FaceLocator, FaceModels } from './faceStages.js';

/** The frame's time for the smoothing filters: its media time where the decoder knows it (files), else its arrival. */
function frameSeconds(frame: VideoFrame): number {
  return (frame.mediaTimeMs ?? frame.capturedAt) / 1000;
}

export class FacePipeline extends EnhancedEventEmitter<FrameAnalyzerEvents> implements StreamAnalyzer {
  readonly #locator: FaceLocator;
  readonly #models: FaceModels;
  readonly #smoother: FaceSmoother | null;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(locator: FaceLocator, models: FaceModels, smoothing: OneEuroParams | null, logger?: Logger) {
    super();
    this.#locator = locator;
    this.#models = models;
    this.#smoother = smoothing === null ? null : new FaceSmoother(smoothing);
    // a listener's bug must not break the media path: safeEmit catches it, we log it
    this.onListenerError = (event, err) => logger?.error({ err, event }, 'face pipeline listener threw');
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Faces in `frame`, with stable ids. Rejects once the pipeline is closed. */
  async analyze(frame: VideoFrame): Promise<FaceAffect[]> {
    return (await this.analyzeDetailed(frame)).faces;
  }

  /** analyze() plus the ids lost on this frame, whether the detector ran, and per-stage timings. */
  analyzeDetailed(frame: VideoFrame): Promise<FrameAnalysis> {
    if (this.#closed) return Promise.reject(new Error('stream analyzer is closed'));
    const result = this.#tail.then(() => {
      // a frame queued behind others when close() came is dropped, not run against reset tracks
      if (this.#closed) throw new Error('stream analyzer is closed');
      return this.#analyze(frame);
    });
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Idempotent. Reports every still-tracked face as lost, then 'close'; frames not yet analysed reject. Shared models stay open. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const ids = this.#locator.reset();
    this.#forget(ids);
    if (ids.length > 0) this.safeEmit('faceslost', ids);
    this.safeEmit('close');
  }

  #forget(ids: readonly number[]): void {
    this.#models.forget(ids);
    this.#smoother?.forget(ids);
  }

  async #analyze(frame: VideoFrame): Promise<FrameAnalysis> {
    const t0 = performance.now();
    const timings: StageTimings = { detect: 0, mesh: 0, expression: 0, total: 0 };
    const { faces: located, lost, detected } = await this.#locator.locate(frame, timings);
    if (this.#closed) throw new Error('stream analyzer is closed'); // closed while locating
    if (lost.length > 0) {
      this.#forget(lost);
      this.safeEmit('faceslost', lost);
    }
    const faces: FaceAffect[] = [];
    if (located.length > 0) {
      const values = await this.#models.infer(frame, located, timings);
      const t = frameSeconds(frame);
      located.forEach((face, i) => {
        const v = values[i];
        if (v == null) return; // no pixels of the face inside the frame: nothing to report
        const affect: FaceAffect = {
          faceId: face.faceId,
          box: normaliseBox(face.detection.box, frame.width, frame.height),
          score: clamp01(face.detection.score),
          ...v,
        };
        faces.push(this.#smoother === null ? affect : this.#smoother.smooth(affect, t));
      });
    }
    timings.total = performance.now() - t0;
    return { faces, lostFaceIds: lost, detected, timings };
  }
}
