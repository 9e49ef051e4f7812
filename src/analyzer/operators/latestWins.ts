// Runs an async step on a stream of frames one at a time. While a step runs, newer frames replace each
// other (only the latest waits); older ones are dropped and counted. This keeps analysis latency bounded
// by one step when the CPU falls behind, instead of a queue that grows without end.
import { Observable, type OperatorFunction } from 'rxjs';

export interface LatestWinsOptions {
  /** Called for every input dropped because a newer one arrived while a step was running. */
  onDrop?: () => void;
}

export function latestWins<T, R>(step: (value: T) => Promise<R>, options: LatestWinsOptions = {}): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      let running = false;
      let pending: { value: T } | undefined;
      let sourceDone = false;
      let closed = false;

      const run = (value: T): void => {
        running = true;
        step(value).then(
          (result) => {
            if (closed) return;
            subscriber.next(result);
            running = false;
            const next = pending;
            pending = undefined;
            if (next) run(next.value);
            else if (sourceDone) subscriber.complete();
          },
          (error: unknown) => {
            if (!closed) subscriber.error(error);
          },
        );
      };

      const subscription = source.subscribe({
        next: (value) => {
          if (!running) return run(value);
          if (pending) options.onDrop?.();
          pending = { value };
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          if (!running) subscriber.complete();
        },
      });
      return () => {
        closed = true;
        subscription.unsubscribe();
      };
    });
}
