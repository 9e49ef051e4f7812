// The default profile's face models: face-api's expression net on the crop face-api's own detector would
// have given (predicted from the face's FaceMesh V2 oval, or from BlazeFace's box where the mesh has not
// accepted the face), valence/arousal from the user's trained
// network or the named circumplex estimator, and AUs from the Blendshape V2 net on the located face's
// FaceMesh V2 landmarks (au-map-v1). A face without accepted landmarks gets no AUs rather than AUs read off a
// mesh fitted to something else.
import { UNAVAILABLE } from '../../../contracts/labels.js';
import { estimatorProvenance, mappedModelProvenance, modelProvenance, untrainedModelProvenance } from '../../../contracts/provenance.js';
import type { VisionModels } from '../../../inference/VisionModels.js';
import { AU_MAPPING_VERSION, ausFromBlendshapes, namedBlendshapes } from '../../blendshapes/auMapping.js';
import { Blendshapes } from '../../blendshapes/Blendshapes.js';
import { circumplexVA, CIRCUMPLEX_V1 } from '../../estimators/circumplex.js';
import { faceApiBoxForFace } from '../../expression/faceApiBoxFromLandmarks.js';
import { FaceApiExpressionNet } from '../../expression/FaceApiExpressionNet.js';
import { topExpression } from '../../expression/topExpression.js';
import type { ProfileProvenance, StageTimings } from '../../FrameAnalyzerTypes.js';
import type { VideoFrame } from '../../media/frames.js';
import type { FaceModels, FaceValues, LocatedFace } from '../../pipeline/faceStages.js';
import { HsemotionVaNet } from '../../va/HsemotionVaNet.js';

export class DefaultFaceModels implements FaceModels {
  readonly provenance: Readonly<ProfileProvenance>;
  readonly #expression: FaceApiExpressionNet;
  readonly #va: HsemotionVaNet | null;
  readonly #blendshapes: Blendshapes | null;
  readonly #emitBlendshapes: boolean;

  constructor(models: VisionModels, options: { maxFaces: number; blendshapes: boolean }) {
    // per-stream wrappers: each owns its preallocated input buffers, the sessions are shared
    this.#expression = new FaceApiExpressionNet(models.expression, { maxBatch: options.maxFaces });
    this.#va = models.va === null ? null : new HsemotionVaNet(models.va, { maxBatch: options.maxFaces });
    this.#blendshapes = models.mesh === null || models.blendshapes === null ? null : new Blendshapes(models.blendshapes);
    this.#emitBlendshapes = options.blendshapes;
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

  async infer(frame: VideoFrame, faces: readonly LocatedFace[], timings: StageTimings): Promise<Array<FaceValues | null>> {
    const boxes = faces.map((f) => faceApiBoxForFace(f.detection, f.landmarks ?? undefined));
    const timed = async <T>(key: 'mesh' | 'expression', work: () => Promise<T>): Promise<T> => {
      const start = performance.now();
      const value = await work();
      timings[key] += performance.now() - start;
      return value;
    };
    const va = this.#va;
    const net = this.#blendshapes;
    const [probs, scores, trainedVa] = await Promise.all([
      timed('expression', () => this.#expression.classify(frame, boxes)),
      net === null ? Promise.resolve([]) : timed('mesh', () => Promise.all(faces.map((f) => (f.landmarks === null ? undefined : net.scores(f.landmarks.points))))),
      va === null ? Promise.resolve(null) : va.estimate(frame, boxes),
    ]);
    return faces.map((_, i): FaceValues | null => {
      const p = probs[i];
      if (p == null) return null;
      const s = scores[i];
      const { valence, arousal } = trainedVa?.[i] ?? circumplexVA(p);
      return {
        valence,
        arousal,
        aus: s === undefined ? null : ausFromBlendshapes(s),
        expression: { label: topExpression(p), probs: p },
        ...(s !== undefined && this.#emitBlendshapes ? { blendshapes: namedBlendshapes(s) } : {}),
        provenance: { ...this.provenance },
      };
    });
  }

  forget(): void {
    // no per-face state
  }
}
