// Cutting the decoder's rawvideo stream into frames by the sizes showinfo reports on stderr — the
// replacement for PPM parsing (see src/analyzer/decode/ffmpegArgs.ts for why not PPM) — and the PCM chunker.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter, parseFfmpegLogLine, showinfoFrameSize } from '../../../src/analyzer/decode/ffmpegLog.js';
import { Pcm16Assembler, RawFrameAssembler } from '../../../src/analyzer/decode/RawFrameAssembler.js';

/** A w×h rgb24 frame whose every byte is `fill`. */
const frame = (w: number, h: number, fill: number): Buffer => Buffer.alloc(w * h * 3, fill);

describe('RawFrameAssembler', () => {
  it('assembles a frame split across many chunks', () => {
    const a = new RawFrameAssembler();
    assert.deepEqual(a.pushSize({ width: 4, height: 2, ptsSeconds: 1.5 }), []);
    const bytes = frame(4, 2, 7);
    const out = [];
    for (let i = 0; i < bytes.length; i += 5) out.push(...a.pushData(bytes.subarray(i, i + 5)));
    assert.equal(out.length, 1);
    assert.equal(out[0]?.width, 4);
    assert.equal(out[0]?.height, 2);
    assert.equal(out[0]?.ptsSeconds, 1.5, 'the media time travels with its frame');
    assert.deepEqual(out[0]?.data, new Uint8Array(24).fill(7));
    assert.equal(a.bufferedBytes, 0);
  });

  it('cuts several frames out of one chunk, including a size change, and keeps the rest', () => {
    const a = new RawFrameAssembler();
    a.pushSize({ width: 4, height: 2 });
    a.pushSize({ width: 4, height: 2 });
    a.pushSize({ width: 2, height: 4 }); // portrait now
    a.pushSize({ width: 6, height: 2 });
    const chunk = Buffer.concat([frame(4, 2, 1), frame(4, 2, 2), frame(2, 4, 3), frame(6, 2, 4).subarray(0, 10)]);
    const out = a.pushData(chunk);
    assert.deepEqual(
      out.map((f) => [f.width, f.height, f.data[0], f.data.length]),
      [
        [4, 2, 1, 24],
        [4, 2, 2, 24],
        [2, 4, 3, 24],
      ],
    );
    assert.equal(a.bufferedBytes, 10);
    const rest = a.pushData(frame(6, 2, 4).subarray(10));
    assert.deepEqual(rest.map((f) => [f.width, f.height, f.data.every((v) => v === 4)]), [[6, 2, true]]);
  });

  it('holds bytes that arrive before their size, and sizes before their bytes', () => {
    const a = new RawFrameAssembler();
    assert.deepEqual(a.pushData(frame(2, 2, 9)), []);
    assert.equal(a.bufferedBytes, 12);
    const first = a.pushSize({ width: 2, height: 2 });
    assert.equal(first.length, 1);
    assert.deepEqual(a.pushSize({ width: 2, height: 2 }), []);
    assert.equal(a.queuedSizes, 0, 'the second size waits as the current frame');
    assert.equal(a.pushData(frame(2, 2, 5)).length, 1);
  });

  it('copies frames out of the chunks it was given', () => {
    const a = new RawFrameAssembler();
    a.pushSize({ width: 1, height: 1 });
    const chunk = Buffer.from([1, 2, 3]);
    const [f] = a.pushData(chunk);
    chunk.fill(0);
    assert.deepEqual(f?.data, new Uint8Array([1, 2, 3]));
  });

  it('rejects nonsense sizes', () => {
    assert.throws(() => new RawFrameAssembler().pushSize({ width: 0, height: 2 }));
  });
});

describe('ffmpeg log lines', () => {
  it('reads frame sizes from showinfo lines only', () => {
    const line = parseFfmpegLogLine(
      '[Parsed_showinfo_3 @ 0x5563fce242c0] [info] n:  12 pts:  36000 pts_time:0.4 pos: -1 fmt:rgb24 sar:0/1 s:360x480 i:P iskey:0 type:P ',
    );
    assert.equal(line.level, 'info');
    assert.equal(line.context, 'Parsed_showinfo_3');
    assert.deepEqual(showinfoFrameSize(line), { width: 360, height: 480, ptsSeconds: 0.4 });
    assert.deepEqual(showinfoFrameSize(parseFfmpegLogLine('[Parsed_showinfo_3 @ 0x1] [info] n: 0 pts: NOPTS s:8x6 i:P')), { width: 8, height: 6 });
    assert.equal(showinfoFrameSize(parseFfmpegLogLine('[Parsed_showinfo_3 @ 0x5563fce242c0] [info] color_range:pc color_space:gbr')), undefined);
    assert.equal(showinfoFrameSize(parseFfmpegLogLine('[Parsed_showinfo_3 @ 0x5563fce242c0] [info] config in time_base: 1/15, frame_rate: 15/1')), undefined);
    assert.equal(showinfoFrameSize(parseFfmpegLogLine('[info] n: 1 s:10x10 (not from showinfo)')), undefined);
    const warning = parseFfmpegLogLine('[sdp @ 0x55d] [warning] Stream #0: not enough frames to estimate rate');
    assert.deepEqual(warning, { context: 'sdp', level: 'warning', text: 'Stream #0: not enough frames to estimate rate' });
    assert.deepEqual(parseFfmpegLogLine('[error] pipe:0: Immediate exit requested'), { context: undefined, level: 'error', text: 'pipe:0: Immediate exit requested' });
  });

  it('splits lines across chunks', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push('[info] a\n[inf'), ['[info] a']);
    assert.deepEqual(s.push('o] b\r\n\n[info] c'), ['[info] b']);
    assert.deepEqual(s.flush(), ['[info] c']);
    assert.deepEqual(s.flush(), []);
  });
});

describe('Pcm16Assembler', () => {
  it('keeps whole little-endian samples across odd chunk boundaries', () => {
    const p = new Pcm16Assembler();
    const bytes = Buffer.alloc(8);
    [1, -2, 300, -32768].forEach((v, i) => bytes.writeInt16LE(v, 2 * i));
    assert.deepEqual(Array.from(p.push(bytes.subarray(0, 3)) ?? []), [1]);
    assert.deepEqual(Array.from(p.push(bytes.subarray(3, 4)) ?? []), [-2]);
    assert.equal(p.push(Buffer.alloc(0)), undefined);
    const pooled = Buffer.concat([Buffer.alloc(1), bytes.subarray(4)]).subarray(1); // odd byteOffset
    assert.deepEqual(Array.from(p.push(pooled) ?? []), [300, -32768]);
  });
});
