// Runs the configured profile on every forked stream: video forks become StreamAnalyses publishing to the
// hub; audio forks feed their peer's trailing window when the profile listens to audio. Owns nothing it did
// not create: forks belong to the ForkManager, the profile to the App.
import type { Subscription } from 'rxjs';
import type { AffectHub } from '../overlay/AffectHub.js';
import type { Logger } from '../log/logger.js';
import type { Metrics } from '../server/metrics.js';
import type { Peer } from '../sfu/Peer.js';
import type { Room } from '../sfu/Room.js';
import type { ForkManager } from './fork/ForkManager.js';
import type { MediaFork } from './fork/MediaFork.js';
import { PeerAudio } from './PeerAudio.js';
import type { AnalysisProfile } from './profiles/AnalysisProfile.js';
import { StreamAnalysis } from './StreamAnalysis.js';

export interface AnalyzerServiceOptions {
  forks: ForkManager;
  profile: AnalysisProfile;
  hub: AffectHub;
  metrics: Metrics;
  logger: Logger;
}

export class AnalyzerService {
  readonly #options: AnalyzerServiceOptions;
  readonly #log: Logger;
  readonly #audio: PeerAudio;
  readonly #streams = new Map<string, StreamAnalysis>();
  readonly #audioSubscriptions = new Map<string, Subscription>();
  readonly #onFork: (fork: MediaFork, room: Room, peer: Peer) => void;
  #closed = false;

  constructor(options: AnalyzerServiceOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'analyzer' });
    this.#audio = new PeerAudio(options.profile.audioWindowMs);
    this.#onFork = (fork, room, peer) => (fork.kind === 'video' ? this.#analyseVideo(fork, room, peer) : this.#listen(fork, peer));
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

  #analyseVideo(fork: MediaFork, room: Room, peer: Peer): void {
    const { profile, hub, metrics, logger } = this.#options;
    const identity = { roomId: room.id, peerId: peer.id, producerId: fork.producerId, model: profile.model };
    const analyzer = profile.createStreamAnalyzer({ ...identity, audio: () => this.#audio.windowOf(peer.id) });
    const analysis = new StreamAnalysis(fork, analyzer, identity, (event) => hub.publish(event), { logger, metrics });
    this.#streams.set(fork.producerId, analysis);
    fork.observer.once('close', () => {
      analysis.close();
      this.#streams.delete(fork.producerId);
      // A failed fork is reported by whoever watches the ForkManager's 'unanalysed' (with its reason).
      if (fork.failure === undefined) hub.streamEnded(room.id, { peerId: peer.id, producerId: fork.producerId, cause: 'closed' });
    });
    this.#log.info({ roomId: room.id, peerId: peer.id, producerId: fork.producerId, profile: profile.name }, 'analysing video stream');
  }

  #listen(fork: MediaFork, peer: Peer): void {
    if (!this.#audio.enabled) return;
    const subscription = fork.pcm$.subscribe((chunk) => {
      this.#audio.push(peer.id, chunk.samples);
      this.#options.metrics.analysedAudioSamples.inc(chunk.samples.length);
    });
    this.#audioSubscriptions.set(fork.producerId, subscription);
    fork.observer.once('close', () => {
      subscription.unsubscribe();
      this.#audioSubscriptions.delete(fork.producerId);
      this.#audio.forget(peer.id);
    });
  }
}
