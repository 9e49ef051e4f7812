// FfmpegDecoder with the real ffmpeg: the video output chain adds no frame of delay, survives resolution and
// aspect-ratio changes mid-stream, and stop() ends an ffmpeg blocked on UDP without leaving a process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FfmpegDecoder } from '../../src/analyzer/decode/FfmpegDecoder.js';
import { PortPairAllocator } from '../../src/analyzer/decode/PortPairAllocator.js';
import { buildDecoderSdp } from '../../src/analyzer/decode/sdp.js';
import { isUdpPortBoundBy } from '../../src/analyzer/decode/udpListening.js';
import type { VideoFrame } from '../../src/analyzer/media/frames.js';
import { silentLogger } from '../../src/log/logger.js';
import { isAlive, liveChildProcesses, meanRgb, rgbDistance, testMedia, until, zombieChildren, type Rgb } from '../support/index.js';

const IVF_INPUT = ['-flags', 'low_delay', '-probesize', '32', '-analyzeduration', '0', '-f', 'ivf', '-i', 'pipe:0'];

interface Ivf {
  header: Buffer;
  frames: Buffer[];
}

/** VP8 in IVF, 15 fps, key frame every 15 frames, from a still image at the given size. */
function encodeIvf(image: string, width: number, height: number, seconds = 1): Ivf {
  const r = spawnSync(
    'ffmpeg',
    ['-v', 'error', '-loop', '1', '-framerate', '15', '-i', image, '-t', String(seconds), '-vf', `scale=${width}:${height},format=yuv420p`,
      '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-g', '15', '-f', 'ivf', '-'],
    { maxBuffer: 64 << 20, timeout: 120_000 },
  );
  assert.equal(r.status, 0, String(r.stderr));
  const data = r.stdout;
  const frames: Buffer[] = [];
  for (let i = 32; i < data.length; ) {
    const size = data.readUInt32LE(i);
    frames.push(data.subarray(i, i + 12 + size));
    i += 12 + size;
  }
  return { header: data.subarray(0, 32), frames };
}

/** Frames of several IVF files as one stream (the VP8 key frames carry the new size), timestamps renumbered. */
function concatIvf(parts: Ivf[]): Buffer[] {
  const out: Buffer[] = [];
  let pts = 0;
  for (const part of parts) {
    for (const f of part.frames) {
      const copy = Buffer.from(f);
      copy.writeBigUInt64LE(BigInt(pts++), 4);
      out.push(copy);
    }
  }
  return out;
}

function referenceRgb(image: string, width: number, height: number): Rgb {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-i', image, '-vf', `scale=${width}:${height}`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'], { maxBuffer: 64 << 20, timeout: 120_000 });
  return meanRgb(r.stdout);
}

describe('FfmpegDecoder', () => {
  let image: string;
  before(() => {
    image = testMedia().astronautPng;
  });
  after(() => {
    assert.deepEqual(liveChildProcesses('ffmpeg'), [], 'no ffmpeg left');
    assert.deepEqual(zombieChildren(), [], 'no zombie left');
  });

  it('emits each frame before the next one is sent (no frame of delay)', async () => {
    const ivf = encodeIvf(image, 320, 240);
    const stdin = new PassThrough();
    const decoder = new FfmpegDecoder({ kind: 'video', sdp: '', stdin, inputArgs: IVF_INPUT, fps: 30, maxSide: 640, logger: silentLogger() });
    const frames: VideoFrame[] = [];
    decoder.frames$.subscribe((f) => frames.push(f));
    try {
      stdin.write(ivf.header);
      const n = 8;
      for (let k = 0; k < n; k++) {
        stdin.write(ivf.frames[k]);
        // Without `-threads 1` on the output, frame k only comes out once frame k+1 has been written.
        await until(() => frames.length >= k + 1, 5_000, `frame ${k} before frame ${k + 1} is written`, 5);
      }
      assert.equal(frames.length, n);
      assert.ok(frames.every((f) => f.width === 320 && f.height === 240 && f.data.length === 320 * 240 * 3));
    } finally {
      stdin.end();
      await decoder.stop();
    }
  });

  it('keeps the aspect ratio through resolution changes mid-stream', async () => {
    const landscape = encodeIvf(image, 640, 480);
    const portrait = encodeIvf(image, 300, 480);
    const small = encodeIvf(image, 160, 120);
    const stream = concatIvf([landscape, portrait, small, landscape]);
    const stdin = new PassThrough();
    const decoder = new FfmpegDecoder({ kind: 'video', sdp: '', stdin, inputArgs: IVF_INPUT, fps: 30, maxSide: 320, logger: silentLogger() });
    const frames: VideoFrame[] = [];
    decoder.frames$.subscribe((f) => frames.push(f));
    const done = decoder.exited;
    stdin.end(Buffer.concat([landscape.header, ...stream]));
    const exit = await done;
    assert.equal(exit.code, 0);
    assert.equal(frames.length, stream.length, 'every frame decoded');
    const sizes: string[] = [];
    for (const f of frames) {
      assert.equal(f.data.length, f.width * f.height * 3);
      const label = `${f.width}x${f.height}`;
      if (sizes.at(-1) !== label) sizes.push(label);
    }
    // 640x480 → fits 320: 320x240; 300x480 → 200x320 (portrait kept); 160x120 is not enlarged.
    assert.deepEqual(sizes, ['320x240', '200x320', '160x120', '320x240']);
    // The pixels are the picture at each size (not a misaligned or stretched buffer).
    for (const [w, h] of [
      [320, 240],
      [200, 320],
      [160, 120],
    ] as const) {
      const sample = frames.filter((f) => f.width === w && f.height === h).at(-1);
      assert.ok(sample);
      const expected = referenceRgb(image, w === 200 ? 300 : 640, 480);
      assert.ok(rgbDistance(meanRgb(sample.data), expected) < 8, `${w}x${h}: ${meanRgb(sample.data).map(Math.round)} vs ${expected.map(Math.round)}`);
    }
  });

  it('listens on the SDP port of the loopback address only and stops quickly while blocked on UDP, leaving no process', async () => {
    const ports = new PortPairAllocator({ min: 52000, max: 52999 });
    const lease = await ports.allocate();
    const sdp = buildDecoderSdp({ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }, lease.rtpPort, '127.0.0.1');
    const decoder = new FfmpegDecoder({ kind: 'video', sdp, localAddress: '127.0.0.1', fps: 10, maxSide: 640, logger: silentLogger() });
    const pid = decoder.pid;
    assert.ok(pid);
    try {
      await decoder.waitListening(lease.rtpPort);
      assert.equal(isUdpPortBoundBy(pid, lease.rtpPort), true);
      assert.equal(isUdpPortBoundBy(process.pid, lease.rtpPort), false, 'our own process does not hold it');
      // /proc/net/udp lists local addresses as little-endian hex: 0100007F is 127.0.0.1, 00000000 any address.
      assert.deepEqual(udpLocalAddresses(lease.rtpPort), ['0100007F']);
      assert.deepEqual(udpLocalAddresses(lease.rtcpPort), ['0100007F']);
      const t0 = Date.now();
      const exit = await decoder.stop();
      const stopMs = Date.now() - t0;
      assert.equal(exit.requested, true);
      // 255 ("Immediate exit requested") once streaming, 1 while still opening its input; never SIGKILL here.
      assert.ok(exit.code === 255 || exit.code === 1 || exit.signal === 'SIGTERM', `exit ${JSON.stringify(exit)}`);
      assert.equal(isAlive(pid), false);
      assert.ok(stopMs < 1_500, `stopped in ${stopMs} ms (SIGKILL comes at 1 s)`);
      assert.deepEqual(await decoder.stop(), exit, 'stop() is idempotent');
    } finally {
      await decoder.stop();
      lease.release();
    }
  });

  it('reports a decoder that cannot start', async () => {
    const decoder = new FfmpegDecoder({ kind: 'audio', sdp: '', localAddress: '127.0.0.1', fps: 10, maxSide: 640, logger: silentLogger(), ffmpegPath: '/nonexistent/ffmpeg' });
    const exit = await decoder.exited;
    assert.ok(exit.error);
    await assert.rejects(decoder.waitListening(50000));
  });
});

/** Local addresses (hex, as /proc/net/udp has them) of the IPv4 UDP sockets bound to `port`. */
function udpLocalAddresses(port: number): string[] {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  return fs
    .readFileSync('/proc/net/udp', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/)[1] ?? '')
    .filter((local) => local.endsWith(suffix))
    .map((local) => local.slice(0, -suffix.length));
}
