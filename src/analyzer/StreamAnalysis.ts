// One analysed video stream: the fork's frames, latest-wins, through the profile's StreamAnalyzer, out as
// AffectEvents. A frame whose analysis fails is skipped (logged once per stream, then counted) so a bad
// frame never ends the stream; the stream ends when its fork closes.
import { filter, map, Subject, takeUntil, tap, type Subscription } from 'rxjs';
import type { AffectEvent, FaceAffect } from '../contracts/affect.js';
import type { Logger } from '../log/logger.js';
import type { AnalyzerObserver } from './AnalyzerObserver.js';
import type { MediaFork } from './fork/MediaFork.js';
import type { VideoFrame } from './media/frames.js';
import { latestWins } from './operators/latestWins.js';
import { affectEvent } from './pipeline/affectEvent.js';
import { realtimePace, type PaceEvent } from './operators/realtimePace.js';
import type { StreamAnalyzer } from './profiles/AnalysisProfile.js';

export interface StreamIdentity {
  roomId: string;
  peerId: string;
  producerId: string;
  model: { id: string; version: string };
}

export class StreamAnalysis {
  readonly #subscription: Subscription;
  readonly #pace: Subscription;
  readonly #analyzer: StreamAnalyzer;
  #failures = 0;
  readonly #observer: AnalyzerObserver;
  /** Faces in this stream's latest analysed frame (for the tracked-faces gauge). */
  #trackedFaces = 0;
  #closed = false;

  constructor(
    fork: Pick<MediaFork, 'frames$' | 'closed$'>,
    analyzer: StreamAnalyzer,
    identity: StreamIdentity,
    publish: (event: AffectEvent) => void,
    deps: { logger: Logger; observer: AnalyzerObserver },
  ) {
    this.#analyzer = analyzer;
    this.#observer = deps.observer;
    const log = deps.logger.child({ component: 'stream-analysis', roomId: identity.roomId, peerId: identity.peerId, producerId: identity.producerId });
    const observer = deps.observer;
    // warn once when this stream's analysis falls behind real time, and say so again when it recovers
    const pace$ = new Subject<PaceEvent>();
    this.#pace = pace$.pipe(realtimePace(), takeUntil(fork.closed$)).subscribe((report) =>
      report.state === 'slow'
        ? log.warn(report, 'analysis is slower than real time: late frames are dropped (affectcast_dropped_frames_total)')
        : log.info(report, 'analysis keeps up with real time again'),
    );
    const step = async (frame: VideoFrame): Promise<{ frame: VideoFrame; faces: FaceAffect[] } | null> => {
      try {
        const wait = Math.max(0, Date.now() - frame.capturedAt);
        const analysis = await analyzer.analyzeDetailed(frame);
        if (this.#closed) return null; // the stream ended while its last frame was analysed
        observer.safeEmit('stages', { ...analysis.timings, decode: frame.decodeMs, wait });
        const tracked = analysis.faces.length;
        if (tracked !== this.#trackedFaces) observer.safeEmit('trackedfaces', tracked - this.#trackedFaces);
        this.#trackedFaces = tracked;
        return { frame, faces: analysis.faces };
      } catch (error) {
        // a frame still in flight when the stream closes is not a failure: its analyzer was closed under it
        if (this.#closed) return null;
        deps.observer.safeEmit('failedframe');
        if (this.#failures++ === 0) log.error({ err: error }, 'frame analysis failed; skipping failing frames of this stream (counted in affectcast_failed_frames_total)');
        return null;
      } finally {
        pace$.next('analysed');
      }
    };
    this.#subscription = fork.frames$
      .pipe(
        tap(() => pace$.next('arrived')),
        latestWins(step, { onDrop: () => deps.observer.safeEmit('droppedframe') }),
        filter((r): r is { frame: VideoFrame; faces: FaceAffect[] } => r !== null),
        map(({ frame, faces }): AffectEvent => affectEvent(identity, frame, faces)),
        takeUntil(fork.closed$),
      )
      .subscribe({
        next: (event) => {
          const start = performance.now();
          publish(event);
          observer.safeEmit('published', event, performance.now() - start);
        },
        complete: () => this.close(),
      });
  }

  /** Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscription.unsubscribe();
    this.#pace.unsubscribe();
    this.#analyzer.close();
    if (this.#trackedFaces !== 0) this.#observer.safeEmit('trackedfaces', -this.#trackedFaces);
    this.#trackedFaces = 0;
  }
}
