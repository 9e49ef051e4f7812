import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Subject, lastValueFrom, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { latestWins } from '../../../src/analyzer/operators/latestWins.js';

/** A step whose completion the test controls, to interleave inputs with running steps deterministically. */
function controlledStep() {
  const started: number[] = [];
  const finishers: Array<() => void> = [];
  const step = (value: number) =>
    new Promise<number>((resolve) => {
      started.push(value);
      finishers.push(() => resolve(value * 10));
    });
  const finishNext = async () => {
    finishers.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { step, started, finishNext };
}

test('runs one step at a time and, while busy, keeps only the newest input', async () => {
  const input = new Subject<number>();
  const { step, started, finishNext } = controlledStep();
  let dropped = 0;
  const results = lastValueFrom(input.pipe(latestWins(step, { onDrop: () => dropped++ }), toArray()));

  input.next(1); // starts at once
  input.next(2); // waits
  input.next(3); // replaces 2
  input.next(4); // replaces 3
  assert.deepEqual(started, [1]);
  await finishNext(); // 1 done → 4 starts
  assert.deepEqual(started, [1, 4]);
  input.next(5);
  input.complete(); // 5 is still pending: it must run before completion
  await finishNext();
  await finishNext();
  assert.deepEqual(await results, [10, 40, 50]);
  assert.deepEqual(started, [1, 4, 5]);
  assert.equal(dropped, 2);
});

test('an idle stream processes every input', async () => {
  const input = new Subject<number>();
  const results = lastValueFrom(input.pipe(latestWins(async (v: number) => v + 1), toArray()));
  for (const v of [1, 2, 3]) {
    input.next(v);
    await new Promise((r) => setImmediate(r));
  }
  input.complete();
  assert.deepEqual(await results, [2, 3, 4]);
});

test('a failing step errors the stream', async () => {
  const input = new Subject<number>();
  const results = lastValueFrom(input.pipe(latestWins(async () => Promise.reject(new Error('boom')))));
  input.next(1);
  await assert.rejects(results, /boom/);
});

test('unsubscribing drops a result that arrives later', async () => {
  const input = new Subject<number>();
  const { step, finishNext } = controlledStep();
  const seen: number[] = [];
  const sub = input.pipe(latestWins(step)).subscribe((v) => seen.push(v));
  input.next(1);
  sub.unsubscribe();
  await finishNext();
  assert.deepEqual(seen, []);
});

test('in virtual time: frames that arrive while a step runs are dropped, except the latest, which runs next', { timeout: 10_000 }, () => {
  const scheduler = new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));
  scheduler.run(({ hot, cold, expectObservable }) => {
    let dropped = 0;
    const frames = hot('a 1ms b 1ms c 1ms d 10ms |');
    // every step takes 5 ms: a runs 0-5; b (2) is replaced by c (4), which runs 5-10; d (6) waits and runs 10-15
    const step = (v: string) => cold('5ms (r|)', { r: v.toUpperCase() });
    expectObservable(frames.pipe(latestWins(step, { onDrop: () => dropped++ }))).toBe('5ms A 4ms C 4ms D 1ms |');
    scheduler.flush();
    assert.equal(dropped, 1);
  });
});
