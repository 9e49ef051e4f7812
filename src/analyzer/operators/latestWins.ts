// Runs an async step on a stream of frames one at a time. While a step runs, newer frames replace each
// other (only the latest waits); older ones are dropped and counted. This keeps analysis latency bounded
// by one step when the CPU falls behind, instead of a queue that grows without end. A step is a promise
// (the analyzers) or any ObservableInput (marble tests run steps in virtual time); its values go out as
// they come, and the next frame starts when it completes.
import { from, Observable, Subscription, type ObservableInput, type OperatorFunction } from 'rxjs';

export interface LatestWinsOptions {
  /** Called for every input dropped because a newer one arrived while a step was running. */
  onDrop?: () => void;
}

export function latestWins<T, R>(step: (value: T) => ObservableInput<R>, options: LatestWinsOptions = {}): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      let running: Subscription | undefined;
      let pending: { value: T } | undefined;
      let sourceDone = false;

      const run = (value: T): void => {
        // set before subscribing: a step that completes synchronously must find itself running
        running = new Subscription();
        const inner = from(step(value)).subscribe({
          next: (result) => subscriber.next(result),
          error: (error: unknown) => subscriber.error(error),
          complete: () => {
            running = undefined;
            const next = pending;
            pending = undefined;
            if (next) run(next.value);
            else if (sourceDone) subscriber.complete();
          },
        });
        running?.add(inner);
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
        subscription.unsubscribe();
        running?.unsubscribe();
      };
    });
}
