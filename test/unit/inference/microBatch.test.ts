// Windowing and size limits of the cross-stream batcher, in virtual time (marble tests): a batch opens with
// its first item and goes out one window later or as soon as it is full; nothing runs while nothing waits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TestScheduler } from 'rxjs/testing';
import { microBatch } from '../../../src/inference/microBatch.js';

const scheduler = () => new TestScheduler((actual, expected) => assert.deepEqual(actual, expected));

test('items within one window go out together, one window after the first of them', { timeout: 10_000 }, () => {
  scheduler().run(({ hot, expectObservable }) => {
    const source = hot('a 4ms b 10ms c 20ms d|');
    // a opens a batch at 0 and b (5) joins it; it leaves at 10. c opens one at 16 (leaves at 26); d, at 37,
    // waits in a third until the source ends at 38, which sends it
    expectObservable(source.pipe(microBatch({ windowMs: 10, maxSize: 8 }))).toBe('10ms x 15ms y 11ms (z|)', {
      x: ['a', 'b'],
      y: ['c'],
      z: ['d'],
    });
  });
});

test('a full batch goes out at once, without waiting for its window', { timeout: 10_000 }, () => {
  scheduler().run(({ hot, expectObservable }) => {
    // a and b fill a batch at 0; c opens the next, and d fills it at 7, before its window would end at 10
    const source = hot('(abc) 2ms d 20ms |');
    expectObservable(source.pipe(microBatch({ windowMs: 10, maxSize: 2 }))).toBe('x 6ms y 20ms |', {
      x: ['a', 'b'],
      y: ['c', 'd'],
    });
  });
});

test('rows count, not items: an item that would overflow sends the open batch first; a large one goes alone', { timeout: 10_000 }, () => {
  scheduler().run(({ hot, expectObservable }) => {
    const rows = { a: 2, b: 3, c: 9, d: 1 };
    const source = hot<keyof typeof rows>('a 1ms b 1ms c 1ms d 30ms |');
    const batches = source.pipe(microBatch({ windowMs: 10, maxSize: 4, sizeOf: (k) => rows[k] }));
    // a (2) opens at 0; b (3) would make 5 > 4, so [a] goes at 2 and b opens a batch; c (9) sends [b] at 4
    // and fills a batch alone at once; d opens the next at 6, which leaves a window later, at 16
    expectObservable(batches).toBe('2ms x 1ms (yz) 8ms w 20ms |', { x: ['a'], y: ['b'], z: ['c'], w: ['d'] });
  });
});

test('nothing is emitted while nothing waits, and the end flushes what waits', { timeout: 10_000 }, () => {
  scheduler().run(({ hot, expectObservable }) => {
    const source = hot('100ms a 3ms |');
    expectObservable(source.pipe(microBatch({ windowMs: 10, maxSize: 8 }))).toBe('100ms 4ms (x|)', { x: ['a'] });
  });
});
