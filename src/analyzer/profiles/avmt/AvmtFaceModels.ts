// The 'avmt' profile's face models and stream analyzer: the shared face pipeline, detecting on every frame
// (DetectingLocator), then align → one step of the paper's A/V-MT-VGG-RNN for all faces at once, each face
// with its own GRU state and the trailing audio window of its peer.
//
// Why detect every frame here: this profile has no landmark model, and its alignment needs fresh eye, nose
// and mouth points on every frame (the network was trained on faces aligned from per-frame landmarks).
// Following a box between detections would either reuse stale keypoints (a misaligned face fed to a
// recurrent state, which carries the error forward) or need a landmark model this profile does not ship;
// the detector is a small part of the step next to the network itself.
import type { FaceAffect } from '../../../contracts/affect.js';
import { ACTION_UNITS, EXPRESSIONS, type Expression } from '../../../contracts/labels.js';
import type { Float32Tensor, InferenceRunner } from '../../../inference/InferenceRunner.js';
import type { LogMelWindow } from '../../audio/LogMelWindow.js';
import { FaceAligner } from '../../avmt/alignFace.js';
import type { AvmtHeads } from '../../avmt/avmtHeads.js';
import type { AvmtPreprocessing } from '../../avmt/avmtPreprocessing.js';
import { GruStates } from '../../avmt/GruStates.js';
import { topExpression } from '../../expression/topExpression.js';
import type { StageTimings } from '../../FrameAnalyzerTypes.js';
import { clamp01 } from '../../image/geometry.js';
import type { VideoFrame } from '../../media/frames.js';
import { DetectingLocator } from '../../pipeline/DetectingLocator.js';
import { FacePipeline } from '../../pipeline/FacePipeline.js';
import type { FaceModels, FaceValues, LocatedFace } from '../../pipeline/faceStages.js';
import type { OneEuroParams } from '../../smoothing/OneEuroFilter.js';

export interface AvmtStreamOptions {
  detector: InferenceRunner;
  network: InferenceRunner;
  preprocessing: AvmtPreprocessing;
  heads: AvmtHeads;
  minFaceScore: number;
  maxFaces: number;
  lostAfterFrames: number;
  /** config analyzer.smoothing when enabled, else null. */
  smoothing: OneEuroParams | null;
  /** The trailing audio of this stream's peer; silence when the peer publishes none. */
  audio: () => LogMelWindow;
}

const GRU_LAYERS = 2;

export function createAvmtStreamAnalyzer(options: AvmtStreamOptions): FacePipeline {
  const locator = new DetectingLocator(options.detector, options);
  return new FacePipeline(locator, new AvmtFaceModels(options), options.smoothing);
}

export class AvmtFaceModels implements FaceModels {
  readonly #options: AvmtStreamOptions;
  readonly #aligner: FaceAligner;
  readonly #states: GruStates | null;
  readonly #units: number;
  /** Whether the export has the audio stream (the A/V variant). */
  readonly #usesAudio: boolean;

  constructor(options: AvmtStreamOptions) {
    this.#options = options;
    this.#aligner = new FaceAligner(options.preprocessing);
    const h0 = options.network.manifest.inputs.find((t) => t.name === 'h0');
    this.#units = typeof h0?.shape[2] === 'number' ? h0.shape[2] : 0;
    this.#states = h0 ? new GruStates(GRU_LAYERS, this.#units) : null;
    this.#usesAudio = options.network.manifest.inputs.some((t) => t.name === 'audio');
  }

  forget(faceIds: readonly number[]): void {
    this.#states?.forget(faceIds);
  }

  async infer(frame: VideoFrame, faces: readonly LocatedFace[], timings: StageTimings): Promise<Array<FaceValues | null>> {
    const t0 = performance.now();
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
    timings.expression += performance.now() - t0;
    return faces.map((_, i) => this.#values(out, i));
  }

  #values(out: Record<string, Float32Tensor>, i: number): FaceValues {
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
      valence: va ? clampSigned(va[0] as number) : null,
      arousal: va ? clampSigned(va[1] as number) : null,
      aus: au ? (Object.fromEntries(ACTION_UNITS.map((a, k) => [a, clamp01(au[k] as number)])) as FaceAffect['aus']) : null,
      expression,
      provenance: { va: heads.provenance.va, au: heads.provenance.au, expression: heads.provenance.expression },
    };
  }
}
