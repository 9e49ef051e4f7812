// One analysed video stream: the fork's frames, latest-wins, through the profile's StreamAnalyzer, out as
// AffectEvents. A frame whose analysis fails is skipped (logged once per stream, then counted) so a bad
// frame never ends the stream; the stream ends when its fork closes.
import { filter, map, takeUntil, type Subscription } from 'rxjs';
import type { AffectEvent, FaceAffect } from '../contracts/affect.js';
import type { Logger } from '../log/logger.js';
import type { AnalyzerObserver } from './AnalyzerObserver.js';
import type { MediaFork } from './fork/MediaFork.js';
import type { VideoFrame } from './media/frames.js';
import { latestWins } from './operators/latestWins.js';
import type { StreamAnalyzer } from './profiles/AnalysisProfile.js';

export interface StreamIdentity {
  roomId: string;
  peerId: string;
  producerId: string;
  model: { id: string; version: string };
}

export class StreamAnalysis {
  readonly #subscription: Subscription;
  readonly #analyzer: StreamAnalyzer;
  #failures = 0;

  constructor(
    fork: Pick<MediaFork, 'frames$' | 'closed$'>,
    analyzer: StreamAnalyzer,
    identity: StreamIdentity,
    publish: (event: AffectEvent) => void,
    deps: { logger: Logger; observer: AnalyzerObserver },
  ) {
    this.#analyzer = analyzer;
    const log = deps.logger.child({ component: 'stream-analysis', producerId: identity.producerId });
    const step = async (frame: VideoFrame): Promise<{ frame: VideoFrame; faces: FaceAffect[] } | null> => {
      try {
        return { frame, faces: await analyzer.analyze(frame) };
      } catch (error) {
        deps.observer.safeEmit('failedframe');
        if (this.#failures++ === 0) log.error({ err: error }, 'frame analysis failed; skipping failing frames of this stream (counted in affectcast_failed_frames_total)');
        return null;
      }
    };
    this.#subscription = fork.frames$
      .pipe(
        latestWins(step, { onDrop: () => deps.observer.safeEmit('droppedframe') }),
        filter((r): r is { frame: VideoFrame; faces: FaceAffect[] } => r !== null),
        map(({ frame, faces }): AffectEvent => ({
          v: 1,
          roomId: identity.roomId,
          peerId: identity.peerId,
          producerId: identity.producerId,
          capturedAt: frame.capturedAt,
          latencyMs: Math.max(0, Date.now() - frame.capturedAt),
          model: identity.model,
          faces,
        })),
        takeUntil(fork.closed$),
      )
      .subscribe({
        next: (event) => {
          deps.observer.safeEmit('published', event);
          publish(event);
        },
        complete: () => this.close(),
      });
  }

  /** Idempotent. */
  close(): void {
    this.#subscription.unsubscribe();
    this.#analyzer.close();
  }
}
