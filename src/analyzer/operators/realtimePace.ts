// Whether a stream's analysis keeps up with real time. The decoder already samples at the analysis rate, so
// the frames that arrive are the real-time target; when fewer are analysed (latest-wins drops the rest) the
// stream runs slower than real time. Judged per window, with hysteresis so a stream near the edge does not
// flap: 'slow' once the analysed share falls below slowBelow, 'realtime' again only at recoveredAt or more.
// Only changes are emitted. A window with few arrivals (muted, paused, idle) decides nothing.
import { asyncScheduler, bufferTime, Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';

export type PaceEvent = 'arrived' | 'analysed';

export interface PaceReport {
  state: 'slow' | 'realtime';
  /** Over the window that decided it. */
  inputFps: number;
  analysedFps: number;
}

export interface RealtimePaceOptions {
  windowMs?: number;
  slowBelow?: number;
  recoveredAt?: number;
  /** Arrivals a window needs to decide anything. */
  minFrames?: number;
  scheduler?: SchedulerLike;
}

export const PACE_DEFAULTS = { windowMs: 5_000, slowBelow: 0.85, recoveredAt: 0.95, minFrames: 10 } as const;

export function realtimePace(options: RealtimePaceOptions = {}): OperatorFunction<PaceEvent, PaceReport> {
  const { windowMs, slowBelow, recoveredAt, minFrames } = { ...PACE_DEFAULTS, ...options };
  const scheduler = options.scheduler ?? asyncScheduler;
  const fps = (n: number): number => Math.round((n * 10_000) / windowMs) / 10;
  return (source) =>
    new Observable<PaceReport>((subscriber) => {
      let slow = false;
      return source.pipe(bufferTime(windowMs, scheduler)).subscribe({
        next: (window) => {
          const arrived = window.filter((e) => e === 'arrived').length;
          if (arrived < minFrames) return;
          const analysed = window.length - arrived;
          const share = analysed / arrived;
          if (!slow && share < slowBelow) slow = true;
          else if (slow && share >= recoveredAt) slow = false;
          else return;
          subscriber.next({ state: slow ? 'slow' : 'realtime', inputFps: fps(arrived), analysedFps: fps(analysed) });
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
