// Collects items into batches: a batch opens with its first item and goes out windowMs later, or at once
// when its size reaches maxSize. Unlike bufferTime, no timer runs while nothing waits, and an item's size
// may be more than one (a frame with three faces is three rows). An item that would overflow the open batch
// sends that batch first and opens the next; an item as large as maxSize or larger goes alone.
import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';

export interface MicroBatchOptions<T> {
  windowMs: number;
  maxSize: number;
  /** Rows an item counts for; 1 where absent. */
  sizeOf?: (item: T) => number;
  /** asyncScheduler where absent; tests pass a TestScheduler's. */
  scheduler?: SchedulerLike;
}

export function microBatch<T>(options: MicroBatchOptions<T>): OperatorFunction<T, T[]> {
  const sizeOf = options.sizeOf ?? (() => 1);
  const scheduler = options.scheduler ?? asyncScheduler;
  return (source) =>
    new Observable<T[]>((subscriber) => {
      let batch: T[] = [];
      let size = 0;
      let timer: Subscription | undefined;

      const flush = (): void => {
        timer?.unsubscribe();
        timer = undefined;
        if (batch.length === 0) return;
        const out = batch;
        batch = [];
        size = 0;
        subscriber.next(out);
      };

      const subscription = source.subscribe({
        next: (item) => {
          const n = sizeOf(item);
          if (size > 0 && size + n > options.maxSize) flush();
          batch.push(item);
          size += n;
          if (size >= options.maxSize) flush();
          else timer ??= scheduler.schedule(flush, options.windowMs);
        },
        error: (error: unknown) => {
          timer?.unsubscribe();
          subscriber.error(error);
        },
        // what waits still runs: its callers are owed an answer
        complete: () => {
          flush();
          subscriber.complete();
        },
      });
      return () => {
        timer?.unsubscribe();
        subscription.unsubscribe();
      };
    });
}
