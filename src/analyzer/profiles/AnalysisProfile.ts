// A model profile turns video frames into FaceAffects. The analyzer service holds one profile per process
// (its networks are shared) and asks it for one StreamAnalyzer per video stream (tracker and per-face state
// are per stream). Profiles: 'default' (real pretrained networks + named estimators) and 'avmt' (the paper's
// A/V-MT-VGG-RNN export).
import type { FaceAffect } from '../../contracts/affect.js';
import type { ModelExecution } from '../../inference/execution.js';
import type { InferenceMonitor } from '../../inference/ObservedRunner.js';
import type { LogMelWindow } from '../audio/LogMelWindow.js';
import type { FrameAnalysis } from '../FrameAnalyzerTypes.js';
import type { VideoFrame } from '../media/frames.js';

export interface StreamAnalyzer {
  /** Faces in the frame with stable ids; calls are processed in order. */
  analyze(frame: VideoFrame): Promise<FaceAffect[]>;
  /** analyze() with the ids lost on this frame, whether the detector ran and per-stage timings. */
  analyzeDetailed(frame: VideoFrame): Promise<FrameAnalysis>;
  /** Idempotent; drops per-stream state. */
  close(): void;
}

export interface StreamContext {
  roomId: string;
  peerId: string;
  producerId: string;
  /** The peer's trailing audio (silence until the peer publishes some). */
  audio: () => LogMelWindow;
}

export interface AnalysisProfile {
  readonly name: 'default' | 'avmt';
  /** AffectEvent.model */
  readonly model: { id: string; version: string };
  /** Trailing audio window the profile reads, in ms; 0 when it uses no audio. */
  readonly audioWindowMs: number;
  /** What runs each of its models (provider, threads, batching), for /healthz and the bench. */
  readonly execution?: readonly ModelExecution[];
  /** Its models' run durations, failed runs and live inference threads, for metrics. */
  readonly inference?: InferenceMonitor;
  createStreamAnalyzer(context: StreamContext): StreamAnalyzer;
  /** Releases the networks; idempotent. */
  close(): Promise<void>;
}
