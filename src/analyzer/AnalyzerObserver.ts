// What the analyzer tells whoever monitors it (the composition root counts these in /metrics). The analyzer
// itself imports no metrics library: monitoring is attached from outside, through this emitter.
import type { AffectEvent } from '../contracts/affect.js';
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';
import type { StageTimings } from './FrameAnalyzerTypes.js';

/** Where one analysed frame's time went, ms. */
export interface FrameStages extends StageTimings {
  /** The decoder's output and pipe (live streams only). */
  decode: number | undefined;
  /** From the frame reaching Node to its analysis starting. */
  wait: number;
}

export type AnalyzerObserverEvents = {
  /** An AffectEvent handed to the sink, and how long the sink (the hub and its sockets) took, ms. */
  published: [event: AffectEvent, publishMs: number];
  /** A decoded frame skipped because the analysis of an earlier frame was still running (latest wins). */
  droppedframe: [];
  /** A frame whose analysis threw: skipped, the stream goes on. */
  failedframe: [];
  /** 16 kHz PCM samples fed to a profile that reads audio. */
  audiosamples: [count: number];
  /** One frame analysed: where its time went. */
  stages: [stages: FrameStages];
  /** A stream's count of tracked faces changed by `delta` (its close takes its faces away). */
  trackedfaces: [delta: number];
};

export class AnalyzerObserver extends EnhancedEventEmitter<AnalyzerObserverEvents> {}
