// analyze's progress on stderr: plain lines at each tenth when stderr is not a terminal, one redrawn line
// (carriage return, no newline until the end) on a terminal, colour only when asked for.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createProgress } from '../../../src/cli/progress.js';

function capture(tty: boolean, colour = false) {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (d: Buffer) => (text += d.toString()));
  let clock = 0;
  return { io: { stderr, stderrIsTty: tty, colour }, text: () => text, tick: (ms: number) => (clock += ms), now: () => clock };
}

test('not a terminal: a plain line at each tenth of the file, then a summary', { timeout: 10_000 }, () => {
  const c = capture(false);
  const progress = createProgress({ label: 'analyze', totalMs: 2000, io: c.io, now: c.now });
  for (let frame = 1; frame <= 20; frame++) progress.update(frame * 100, frame);
  progress.finish(20, 2000);
  const lines = c.text().split('\n').filter(Boolean);
  assert.deepEqual(lines, [
    ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((tenth) => `analyze: ${tenth * 10}% (${(tenth * 0.2).toFixed(1)} s of 2.0 s, ${tenth * 2} frames)`),
    'analyze: done, 20 frames of 2.0 s',
  ]);
  assert.doesNotMatch(c.text(), /\r|\u001b/, 'no carriage returns or escapes in a log');
});

test('unknown length: a line every 10 s of media', { timeout: 10_000 }, () => {
  const c = capture(false);
  const progress = createProgress({ label: 'analyze', totalMs: undefined, io: c.io, now: c.now });
  for (let frame = 1; frame <= 250; frame++) progress.update(frame * 100, frame);
  progress.finish(250, 25_000);
  assert.deepEqual(c.text().split('\n').filter(Boolean), ['analyze: 10.0 s, 100 frames', 'analyze: 20.0 s, 200 frames', 'analyze: done, 250 frames']);
});

test('a terminal: one line redrawn in place, cleared at the end; colour only when on', { timeout: 10_000 }, () => {
  for (const colour of [false, true]) {
    const c = capture(true, colour);
    const progress = createProgress({ label: 'analyze', totalMs: 1000, io: c.io, now: c.now, redrawMs: 100 });
    progress.update(500, 5);
    progress.update(600, 6); // within 100 ms of the last draw: not drawn
    c.tick(150);
    progress.update(1000, 10);
    progress.finish(10, 1000);
    const out = c.text();
    assert.equal(out.split('\r\u001b[K').length - 1, 3, 'two draws and the final clear');
    assert.match(out, /50% \(0\.5 s of 1\.0 s, 5 frames\)/);
    assert.doesNotMatch(out, /6 frames/);
    assert.equal(out.split('\n').length - 1, 1, 'one newline: the summary');
    assert.ok(out.endsWith('analyze: done, 10 frames of 1.0 s\n'));
    assert.equal(/\u001b\[3\d?m/.test(out) || /\u001b\[2m/.test(out), colour, `colour ${colour}`);
  }
});

test('clear() after a failure leaves no half-drawn line and no summary', { timeout: 10_000 }, () => {
  const c = capture(true);
  const progress = createProgress({ label: 'analyze', totalMs: 1000, io: c.io, now: c.now });
  progress.update(300, 3);
  progress.clear();
  progress.finish(3, 300);
  assert.ok(c.text().endsWith('\r\u001b[K'));
  assert.doesNotMatch(c.text(), /done/);
});
