// The slower-than-real-time watch, in virtual time: it says 'slow' once when a stream analyses too few of the
// frames that arrive, stays quiet while it is between the thresholds (no flapping), says 'realtime' once
// it keeps up again, and lets an idle window decide nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestScheduler } from 'rxjs/testing';
import { realtimePace, type PaceEvent } from '../../../src/analyzer/operators/realtimePace.js';

const WINDOW = 100;
const events: Record<string, PaceEvent> = { a: 'arrived', n: 'analysed' };

/** One 100 ms window of marbles: `arrived` arrivals and `analysed` analyses at once. Sources start with a
 * 10 ms pause, so each group falls inside its window rather than on a boundary. */
function windowOf(arrived: number, analysed: number): string {
  const group = `(${'a'.repeat(arrived)}${'n'.repeat(analysed)})`;
  return `${group} ${WINDOW - group.length}ms `;
}

test('warns once when analysis falls behind, with hysteresis, and once when it recovers', { timeout: 10_000 }, () => {
  new TestScheduler((actual, expected) => assert.deepEqual(actual, expected)).run(({ hot, expectObservable }) => {
    const marbles =
      '10ms ' +
      windowOf(5, 5) + // keeps up: nothing to say
      windowOf(5, 2) + // 40 % analysed: slow, said at the window's end (200)
      windowOf(10, 9) + // 90 %: better, but below 95 %: still slow, nothing said
      windowOf(5, 5) + // keeps up again: said at 400
      windowOf(1, 0) + // too few frames to judge (a paused camera)
      '50ms |';
    const pace = hot(marbles, events).pipe(realtimePace({ windowMs: WINDOW, minFrames: 4, slowBelow: 0.85, recoveredAt: 0.95 }));
    expectObservable(pace).toBe('200ms s 199ms r 159ms |', {
      s: { state: 'slow', inputFps: 50, analysedFps: 20 },
      r: { state: 'realtime', inputFps: 50, analysedFps: 50 },
    });
  });
});

test('a small shortfall is tolerated, a larger one is not', { timeout: 10_000 }, () => {
  new TestScheduler((actual, expected) => assert.deepEqual(actual, expected)).run(({ hot, expectObservable }) => {
    const pace = hot('10ms ' + windowOf(6, 6) + windowOf(20, 18) + windowOf(6, 5) + '10ms |', events).pipe(realtimePace({ windowMs: WINDOW, minFrames: 4 }));
    // 18 of 20 (90 %) is above the default 85 %: tolerated; 5 of 6 (83 %) is not: the third window is slow
    expectObservable(pace).toBe('300ms s 19ms |', { s: { state: 'slow', inputFps: 60, analysedFps: 50 } });
  });
});
