// Runs the configured profile on every forked stream: video forks become StreamAnalyses publishing to the
// sink; audio forks feed their peer's trailing window when the profile listens to audio. Owns nothing it did
// not create: forks belong to the ForkManager, the profile and the sink to the composition root. What it
// does is told on `observer` (published events, dropped and failed frames, audio samples) for monitoring.
import type { Subscription } from 'rxjs';
import type { AffectSink } from '../contracts/sink.js';
import type { Logger } from '../log/logger.js';
import { AnalyzerObserver } from './AnalyzerObserver.js';
import type { ForkManager } from './fork/ForkManager.js';
import type { MediaFork } from './fork/MediaFork.js';
import { PeerAudio } from './PeerAudio.js';
import type { AnalysisProfile } from './profiles/AnalysisProfile.js';
import { StreamAnalysis } from './StreamAnalysis.js';

export interface AnalyzerServiceOptions {
  forks: ForkManager;
  profile: AnalysisProfile;
  sink: AffectSink;
  logger: Logger;
}

export class AnalyzerService {
  readonly observer = new AnalyzerObserver();
  readonly #options: AnalyzerServiceOptions;
  readonly #log: Logger;
  readonly #audio: PeerAudio;
  readonly #streams = new Map<string, StreamAnalysis>();
  readonly #audioSubscriptions = new Map<string, Subscription>();
  readonly #onFork: (fork: MediaFork) => void;
  #closed = false;

  constructor(options: AnalyzerServiceOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'analyzer' });
    this.observer.onListenerError = (event, error) => this.#log.error({ err: error, event }, 'analyzer observer listener failed');
    this.#audio = new PeerAudio(options.profile.audioWindowMs);
    this.#onFork = (fork) => (fork.kind === 'video' ? this.#analyseVideo(fork) : this.#listen(fork));
    options.forks.observer.on('newfork', this.#onFork);
  }

  /** Streams being analysed, by producer id. */
  get streams(): number {
    return this.#streams.size;
  }

  /** Idempotent: stops every analysis (the forks themselves close with the ForkManager). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#options.forks.observer.off('newfork', this.#onFork);
    for (const analysis of this.#streams.values()) analysis.close();
    for (const subscription of this.#audioSubscriptions.values()) subscription.unsubscribe();
    this.#streams.clear();
    this.#audioSubscriptions.clear();
  }

  #analyseVideo(fork: MediaFork): void {
    const { profile, sink, logger } = this.#options;
    const { roomId, peerId, producerId } = fork;
    const identity = { roomId, peerId, producerId, model: profile.model };
    const analyzer = profile.createStreamAnalyzer({ ...identity, audio: () => this.#audio.windowOf(peerId) });
    const analysis = new StreamAnalysis(fork, analyzer, identity, (event) => sink.publish(event), { logger, observer: this.observer });
    this.#streams.set(fork.producerId, analysis);
    fork.observer.once('close', () => {
      analysis.close();
      this.#streams.delete(fork.producerId);
      // A failed fork is reported by whoever watches the ForkManager's 'unanalysed' (with its reason).
      if (fork.failure === undefined) sink.streamEnded(roomId, { peerId, producerId, cause: 'closed' });
    });
    this.#log.info({ roomId, peerId, producerId, profile: profile.name }, 'analysing video stream');
  }

  #listen(fork: MediaFork): void {
    if (!this.#audio.enabled) return;
    const { peerId } = fork;
    const subscription = fork.pcm$.subscribe((chunk) => {
      this.#audio.push(peerId, chunk.samples);
      this.observer.safeEmit('audiosamples', chunk.samples.length);
    });
    this.#audioSubscriptions.set(fork.producerId, subscription);
    fork.observer.once('close', () => {
      subscription.unsubscribe();
      this.#audioSubscriptions.delete(fork.producerId);
      this.#audio.forget(peerId);
    });
  }
}
