// One video stream through the paper's A/V-MT-VGG-RNN, live: detect → track → align → one network step per
// frame for all faces at once, each face with its own GRU state and the trailing audio window of its peer.
import type { FaceAffect } from '../../contracts/affect.js';
import { ACTION_UNITS, EXPRESSIONS, type Expression } from '../../contracts/labels.js';
import type { Float32Tensor, InferenceRunner } from '../../inference/InferenceRunner.js';
import type { LogMelWindow } from '../audio/LogMelWindow.js';
import { topExpression } from '../expression/topExpression.js';
import { BlazeFaceDetector } from '../face/BlazeFaceDetector.js';
import { FaceTracker } from '../face/FaceTracker.js';
import { clamp01, normaliseBox, type Box } from '../image/geometry.js';
import type { VideoFrame } from '../media/frames.js';
import type { StreamAnalyzer } from '../profiles/AnalysisProfile.js';
import type { AvmtHeads } from './avmtHeads.js';
import { FaceAligner } from './alignFace.js';
import { GruStates } from './GruStates.js';
import type { AvmtPreprocessing } from './avmtPreprocessing.js';

export interface AvmtStreamOptions {
  detector: InferenceRunner;
  network: InferenceRunner;
  preprocessing: AvmtPreprocessing;
  heads: AvmtHeads;
  minFaceScore: number;
  maxFaces: number;
  lostAfterFrames: number;
  /** The trailing audio of this stream's peer; silence when the peer publishes none. */
  audio: () => LogMelWindow;
}

const GRU_LAYERS = 2;

export class AvmtStreamAnalyzer implements StreamAnalyzer {
  readonly #options: AvmtStreamOptions;
  readonly #detector: BlazeFaceDetector;
  readonly #tracker: FaceTracker;
  readonly #aligner: FaceAligner;
  readonly #states: GruStates | null;
  readonly #units: number;
  /** Whether the export has the audio stream (the A/V variant). */
  readonly #usesAudio: boolean;
  #tail: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: AvmtStreamOptions) {
    this.#options = options;
    this.#detector = new BlazeFaceDetector(options.detector, { minScore: options.minFaceScore, maxFaces: options.maxFaces });
    this.#tracker = new FaceTracker({ lostAfterFrames: options.lostAfterFrames });
    this.#aligner = new FaceAligner(options.preprocessing);
    const h0 = options.network.manifest.inputs.find((t) => t.name === 'h0');
    this.#units = typeof h0?.shape[2] === 'number' ? h0.shape[2] : 0;
    this.#states = h0 ? new GruStates(GRU_LAYERS, this.#units) : null;
    this.#usesAudio = options.network.manifest.inputs.some((t) => t.name === 'audio');
  }

  analyze(frame: VideoFrame): Promise<FaceAffect[]> {
    if (this.#closed) return Promise.reject(new Error('stream analyzer is closed'));
    // serialised: each face's state must advance one frame at a time, in order
    const result = this.#tail.then(() => this.#step(frame));
    this.#tail = result.catch(() => undefined);
    return result;
  }

  close(): void {
    this.#closed = true;
    this.#states?.clear();
  }

  async #step(frame: VideoFrame): Promise<FaceAffect[]> {
    const detections = await this.#detector.detect(frame);
    const { faces, lost } = this.#tracker.update(detections);
    this.#states?.forget(lost);
    if (faces.length === 0) return [];
    const n = faces.length;
    const size = this.#aligner.size;
    const face = new Float32Array(n * 3 * size * size);
    faces.forEach((f, i) => this.#aligner.align(frame, f.detection, face, i * 3 * size * size));
    const ids = faces.map((f) => f.faceId);
    const feeds: Record<string, Float32Tensor> = { face: { data: face, dims: [n, 3, size, size] } };
    if (this.#usesAudio) {
      const window = this.#options.audio();
      const features = window.read();
      const audio = new Float32Array(n * features.length);
      for (let i = 0; i < n; i++) audio.set(features, i * features.length); // one peer, one voice, every face
      feeds.audio = { data: audio, dims: [n, 1, features.length / window.frames, window.frames] };
    }
    if (this.#states) feeds.h0 = { data: this.#states.gather(ids), dims: [GRU_LAYERS, n, this.#units] };
    const out = await this.#options.network.run(feeds);
    if (this.#states) {
      const h1 = out.h1;
      if (!h1) throw new Error("avmt: output 'h1' missing");
      this.#states.scatter(ids, h1.data);
    }
    return faces.map((f, i) => this.#toFaceAffect(frame, f.faceId, f.detection.box, f.detection.score, out, i));
  }

  #toFaceAffect(
    frame: VideoFrame,
    faceId: number,
    box: Box,
    score: number,
    out: Record<string, Float32Tensor>,
    i: number,
  ): FaceAffect {
    const { heads } = this.#options;
    const row = (name: string, width: number): Float32Array => {
      const t = out[name];
      if (!t) throw new Error(`avmt: output '${name}' missing`);
      return t.data.subarray(i * width, (i + 1) * width);
    };
    let expression: FaceAffect['expression'] = null;
    if (heads.expression) {
      const exprRow = row('expr', EXPRESSIONS.length);
      const probs = Object.fromEntries(EXPRESSIONS.map((e, k) => [e, clamp01(exprRow[k] as number)])) as Record<Expression, number>;
      expression = { label: topExpression(probs), probs };
    }
    const va = heads.va ? row('va', 2) : null;
    const au = heads.au ? row('au', ACTION_UNITS.length) : null;
    const clampSigned = (v: number) => Math.max(-1, Math.min(1, v));
    return {
      faceId,
      box: normaliseBox(box, frame.width, frame.height),
      score: clamp01(score),
      valence: va ? clampSigned(va[0] as number) : null,
      arousal: va ? clampSigned(va[1] as number) : null,
      aus: au ? (Object.fromEntries(ACTION_UNITS.map((a, k) => [a, clamp01(au[k] as number)])) as FaceAffect['aus']) : null,
      expression,
      provenance: { va: heads.provenance.va, au: heads.provenance.au, expression: heads.provenance.expression },
    };
  }
}
