// Per-stream face affect analysis: detect -> track -> crop -> expression (+ FaceMesh V2 -> blendshapes -> AUs).
// One FrameAnalyzer per video stream (tracker state and face ids are per stream); the networks are
// shared (VisionModels). analyze() calls are serialised, so frames are processed in order.
import type { FaceAffect } from '../contracts/affect.js';
import type { Config } from '../config/schema.js';
import { UNAVAILABLE } from '../contracts/labels.js';
import { estimatorProvenance, mappedModelProvenance, modelProvenance, untrainedModelProvenance } from '../contracts/provenance.js';
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import type { Logger } from '../log/logger.js';
import type { VisionModels } from '../inference/VisionModels.js';
import { circumplexVA, CIRCUMPLEX_V1 } from './estimators/circumplex.js';
import { AU_MAPPING_VERSION, ausFromBlendshapes, namedBlendshapes } from './blendshapes/auMapping.js';
import { Blendshapes } from './blendshapes/Blendshapes.js';
import { faceApiBoxFromBlazeFace } from './expression/faceApiBox.js';
import { FaceApiExpressionNet } from './expression/FaceApiExpressionNet.js';
import { HsemotionVaNet } from './va/HsemotionVaNet.js';
import { topExpression } from './expression/topExpression.js';
import { BlazeFaceDetector } from './face/BlazeFaceDetector.js';
import type { FaceDetection } from './face/FaceDetection.js';
import { FaceMesh, type FaceLandmarks } from './face/FaceMesh.js';
import { FaceTracker } from './face/FaceTracker.js';
import { clamp01, normaliseBox } from './image/geometry.js';
import type { VideoFrame } from './media/frames.js';
import type { FrameAnalysis, FrameAnalyzerEvents, FrameAnalyzerOptions, ProfileProvenance } from './FrameAnalyzerTypes.js';

export type { FrameAnalysis, FrameAnalyzerEvents, FrameAnalyzerOptions, ProfileProvenance, StageTimings } from './FrameAnalyzerTypes.js';

/** MediaPipe face landmarker's min_face_presence_confidence default. */
const MIN_FACE_PRESENCE = 0.5;

export function frameAnalyzerOptions(config: Config): FrameAnalyzerOptions {
  return { minFaceScore: config.analyzer.minFaceScore, maxFaces: config.analyzer.maxFaces, blendshapes: config.analyzer.blendshapes };
}

export class FrameAnalyzer extends EnhancedEventEmitter<FrameAnalyzerEvents> {
  readonly provenance: Readonly<ProfileProvenance>;
  readonly #detector: BlazeFaceDetector;
  readonly #expression: FaceApiExpressionNet;
  readonly #mesh: FaceMesh | null;
  readonly #va: HsemotionVaNet | null;
  readonly #tracker: FaceTracker;
  readonly #blendshapes: Blendshapes | null;
  readonly #emitBlendshapes: boolean;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(models: VisionModels, options: FrameAnalyzerOptions, logger?: Logger) {
    super();
    // per-stream wrappers: each owns its preallocated input buffers, the sessions are shared
    this.#detector = new BlazeFaceDetector(models.detector, { minScore: options.minFaceScore, maxFaces: options.maxFaces });
    this.#expression = new FaceApiExpressionNet(models.expression, { maxBatch: options.maxFaces });
    this.#mesh = models.mesh === null ? null : new FaceMesh(models.mesh, { maxBatch: options.maxFaces });
    this.#va = models.va === null ? null : new HsemotionVaNet(models.va, { maxBatch: options.maxFaces });
    this.#tracker = new FaceTracker({ lostAfterFrames: options.lostAfterFrames ?? 10 });
    this.#blendshapes = this.#mesh === null || models.blendshapes === null ? null : new Blendshapes(models.blendshapes);
    this.#emitBlendshapes = options.blendshapes ?? false;
    // a listener's bug must not break the media path: safeEmit catches it, we log it
    this.onListenerError = (event, err) => logger?.error({ err, event }, 'FrameAnalyzer listener threw');
    this.provenance = Object.freeze({
      // an untrained export only gets here through --allow-untrained: its values say so
      expression: (models.expression.manifest.provenance.status === 'untrained' ? untrainedModelProvenance : modelProvenance)(models.expression.manifest.id, models.expression.manifest.version),
      va: models.va === null ? estimatorProvenance(CIRCUMPLEX_V1) : modelProvenance(models.va.manifest.id, models.va.manifest.version),
      au:
        models.blendshapes === null || this.#blendshapes === null
          ? UNAVAILABLE
          : mappedModelProvenance(models.blendshapes.manifest.id, models.blendshapes.manifest.version, AU_MAPPING_VERSION),
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Faces in `frame`, with stable ids. Rejects once the analyzer is closed. */
  async analyze(frame: VideoFrame): Promise<FaceAffect[]> {
    return (await this.analyzeDetailed(frame)).faces;
  }

  /** analyze() plus the ids lost on this frame and per-stage timings. */
  analyzeDetailed(frame: VideoFrame): Promise<FrameAnalysis> {
    if (this.#closed) return Promise.reject(new Error('FrameAnalyzer is closed'));
    const result = this.#tail.then(() => {
      // a frame queued behind others when close() came is dropped, not run against a reset tracker
      if (this.#closed) throw new Error('FrameAnalyzer is closed');
      return this.#analyze(frame);
    });
    this.#tail = result.catch(() => undefined);
    return result;
  }

  /** Idempotent. Reports every still-tracked face as lost, then 'close'; frames not yet analysed reject. Shared models stay open. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const ids = this.#tracker.reset();
    if (ids.length > 0) this.safeEmit('faceslost', ids);
    this.safeEmit('close');
  }

  async #analyze(frame: VideoFrame): Promise<FrameAnalysis> {
    const t0 = performance.now();
    const detections = await this.#detector.detect(frame);
    const t1 = performance.now();
    if (this.#closed) throw new Error('FrameAnalyzer is closed'); // closed while detecting
    const { faces: tracked, lost } = this.#tracker.update(detections);
    if (lost.length > 0) this.safeEmit('faceslost', lost);
    const timings = { detect: t1 - t0, mesh: 0, expression: 0, total: 0 };
    if (tracked.length === 0) {
      timings.total = performance.now() - t0;
      return { faces: [], lostFaceIds: lost, timings };
    }
    const dets = tracked.map((f) => f.detection);
    const timed = async <T>(key: 'mesh' | 'expression', work: Promise<T>): Promise<T> => {
      const start = performance.now();
      const value = await work;
      timings[key] = performance.now() - start;
      return value;
    };
    const boxes = dets.map((d) => faceApiBoxFromBlazeFace(d));
    const va = this.#va;
    const [probs, scores, trainedVa] = await Promise.all([
      timed('expression', this.#expression.classify(frame, boxes)),
      timed('mesh', this.#blendshapeScores(frame, dets)),
      va === null ? Promise.resolve(null) : va.estimate(frame, boxes),
    ]);
    const faces: FaceAffect[] = [];
    tracked.forEach((face, i) => {
      const p = probs[i];
      if (p == null) return; // no pixels of the face inside the frame: nothing to report
      const s = scores[i];
      const { valence, arousal } = trainedVa?.[i] ?? circumplexVA(p);
      faces.push({
        faceId: face.faceId,
        box: normaliseBox(face.detection.box, frame.width, frame.height),
        score: clamp01(face.detection.score),
        valence,
        arousal,
        aus: s === undefined ? null : ausFromBlendshapes(s),
        expression: { label: topExpression(p), probs: p },
        ...(s !== undefined && this.#emitBlendshapes ? { blendshapes: namedBlendshapes(s) } : {}),
        provenance: { ...this.provenance },
      });
    });
    timings.total = performance.now() - t0;
    return { faces, lostFaceIds: lost, timings };
  }

  /**
   * FaceMesh V2 on every face in one batch, then the blendshape net per face; [] when AUs are off. A face
   * the mesh does not accept as a face (presence below MediaPipe's default 0.5) gets no AUs rather than
   * AUs read off a mesh fitted to something else.
   */
  async #blendshapeScores(frame: VideoFrame, dets: readonly FaceDetection[]): Promise<Array<Float32Array | undefined>> {
    const mesh = this.#mesh;
    const net = this.#blendshapes;
    if (mesh === null || net === null) return [];
    const landmarks: FaceLandmarks[] = await mesh.landmarks(frame, dets);
    return Promise.all(landmarks.map((lm) => (lm.score >= MIN_FACE_PRESENCE ? net.scores(lm.points) : undefined)));
  }
}
