// What the analyzer tells whoever monitors it (the composition root counts these in /metrics). The analyzer
// itself imports no metrics library: monitoring is attached from outside, through this emitter.
import type { AffectEvent } from '../contracts/affect.js';
import { EnhancedEventEmitter } from '../events/EnhancedEventEmitter.js';

export type AnalyzerObserverEvents = {
  /** An AffectEvent handed to the sink. */
  published: [event: AffectEvent];
  /** A decoded frame skipped because the analysis of an earlier frame was still running (latest wins). */
  droppedframe: [];
  /** A frame whose analysis threw: skipped, the stream goes on. */
  failedframe: [];
  /** 16 kHz PCM samples fed to a profile that reads audio. */
  audiosamples: [count: number];
};

export class AnalyzerObserver extends EnhancedEventEmitter<AnalyzerObserverEvents> {}
