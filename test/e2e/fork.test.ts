// A participant publishes from the meeting page; the server forks both producers to decoders: frames$ yields
// RGB frames of the source (mean colour, aspect ratio, at most `fps` per second, surviving a decoder crash and
// a resolution change) and pcm$ yields speech. When the peer leaves, closes its page, or its room is closed,
// its forks close: no ffmpeg process, tap transport or consumer remains.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { VideoFrame } from '../../src/analyzer/media/frames.js';
import { ForkManager } from '../../src/analyzer/fork/ForkManager.js';
import type { MediaFork } from '../../src/analyzer/fork/MediaFork.js';
import { attachForkMetrics } from '../../src/app/attachMetrics.js';
import { Metrics } from '../../src/app/metrics.js';
import { SfuTapSource } from '../../src/sfu/SfuTapSource.js';
import type { Room } from '../../src/sfu/Room.js';
import type { MeetingWindow } from '../../src/web/meeting/pageState.js';
import {
  isAlive,
  launchBrowser,
  liveChildProcesses,
  meanRgb,
  referenceMeanRgb,
  referenceRms,
  rgbDistance,
  rms,
  saveScreenshot,
  sfuTapOf,
  sleep,
  startTestApp,
  testMedia,
  until,
  zombieChildren,
  type TestApp,
  type TestBrowser,
} from '../support/index.js';

const FPS = 5;
const MAX_SIDE = 320;

interface Capture {
  fork: MediaFork;
  frames: VideoFrame[];
  pcm: Int16Array[];
  openedAt: number;
}

/** CPU time (ms) a process has used so far, from /proc/<pid>/stat (utime + stime, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

describe('fork to the analyzer', () => {
  let t: TestApp;
  let forks: ForkManager;
  let metrics: Metrics;
  let browser: TestBrowser;
  const captures = new Map<string, Capture>();
  const producedAt = new Map<string, number>();

  const capture = (kind: 'audio' | 'video'): Capture | undefined => [...captures.values()].filter((c) => c.fork.kind === kind && !c.fork.closed).at(-1);

  before(async () => {
    t = await startTestApp({ config: { analyzer: { fps: FPS, maxSide: MAX_SIDE } } });
    // Our own ForkManager (beside the App's, which feeds its analyzer) with its own metrics, so that these
    // checks see exactly the forks they opened.
    metrics = new Metrics();
    forks = new ForkManager({ taps: new SfuTapSource(t.app.rooms), analyzer: t.config.analyzer, logger: t.logger });
    attachForkMetrics(forks, metrics);
    t.app.rooms.observer.on('newroom', (room) => room.observer.on('newproducer', (_peer, producer) => producedAt.set(producer.id, Date.now())));
    forks.observer.on('newfork', (fork) => {
      const c: Capture = { fork, frames: [], pcm: [], openedAt: Date.now() };
      captures.set(fork.producerId, c);
      fork.frames$.subscribe((f) => c.frames.push(f));
      fork.pcm$.subscribe((p) => c.pcm.push(p.samples));
    });
    const media = testMedia();
    browser = await launchBrowser({ name: 'publisher', y4m: media.astronautY4m, wav: media.speechWav });
  });

  after(async () => {
    await browser?.close();
    await forks?.close();
    await t?.close();
    assert.deepEqual(liveChildProcesses('ffmpeg'), [], 'no ffmpeg left after close');
    assert.deepEqual(liveChildProcesses('mediasoup-worke'), [], 'no mediasoup worker left after close');
    assert.deepEqual(zombieChildren(), [], 'no zombie left after close');
  });

  it('decodes the published camera and microphone on the server', async (ctx) => {
    const media = testMedia();
    const page = await browser.newPage(t.meetingUrl('fork', { name: 'Publisher' }));
    try {
      const video = await until(() => capture('video'), 10_000, 'a video fork');
      const audio = await until(() => capture('audio'), 10_000, 'an audio fork');
      await until(() => video.frames.length >= 10 && audio.pcm.reduce((n, p) => n + p.length, 0) >= 2 * 16_000, 15_000, '10 frames and 2 s of PCM');

      const first = video.frames[0];
      assert.ok(first);
      const produced = producedAt.get(video.fork.producerId) ?? 0;
      ctx.diagnostic(`first frame ${first.capturedAt - produced} ms after the producer was created (fork stats ${JSON.stringify(video.fork.stats)})`);
      const firstPcm = audio.fork.stats.firstMediaMs;
      ctx.diagnostic(`first PCM ${firstPcm} ms after the audio fork started`);

      // Frames: rgb24 at the source's aspect ratio within maxSide, the source's colours.
      for (const f of video.frames) {
        assert.equal(f.width, 320);
        assert.equal(f.height, 240);
        assert.equal(f.data.length, 320 * 240 * 3);
      }
      const expected = referenceMeanRgb(media.astronautY4m, 320, 240);
      const got = meanRgb(video.frames.at(-1)!.data);
      ctx.diagnostic(`server frame mean ${got.map(Math.round)} vs source ${expected.map(Math.round)}`);
      assert.ok(rgbDistance(got, expected) < 10, `mean ${got} vs source ${expected}`);
      // Decimated by select to at most FPS per second (the camera sends 15): median gap ≈ 1000/FPS ms.
      const gaps = video.frames.slice(1).map((f, i) => f.capturedAt - (video.frames[i]?.capturedAt ?? 0)).sort((a, b) => a - b);
      const median = gaps[Math.floor(gaps.length / 2)] ?? 0;
      ctx.diagnostic(`median frame gap ${median} ms`);
      assert.ok(median > 1000 / FPS / 2, `median gap ${median} ms: frames are not decimated to ${FPS} fps`);

      // PCM: 16 kHz mono speech at about the level of the source (not silence, not noise).
      const level = rms(audio.pcm);
      const sourceLevel = referenceRms(media.speechWav);
      ctx.diagnostic(`PCM RMS ${Math.round(level)} vs source ${Math.round(sourceLevel)}`);
      assert.ok(level > sourceLevel * 0.4 && level < sourceLevel * 2.5, `RMS ${level} vs source ${sourceLevel}`);

      // Metrics.
      const taps = (await metrics.taps.get()).values;
      assert.equal(taps.find((v) => v.labels.kind === 'video')?.value, 1);
      assert.equal(taps.find((v) => v.labels.kind === 'audio')?.value, 1);
      assert.ok(((await metrics.decodedFrames.get()).values[0]?.value ?? 0) >= video.frames.length);

      // Decoder CPU, measured over 2 s (reported, not asserted).
      const vpid = video.fork.decoderPid!;
      const apid = audio.fork.decoderPid!;
      const [v0, a0, w0] = [cpuMs(vpid), cpuMs(apid), Date.now()];
      await sleep(2_000);
      const wall = Date.now() - w0;
      ctx.diagnostic(`decoder CPU: video ${((100 * (cpuMs(vpid) - v0)) / wall).toFixed(1)} %, audio ${((100 * (cpuMs(apid) - a0)) / wall).toFixed(1)} % of a core`);
    } finally {
      await saveScreenshot(page, 'fork-publisher');
    }
  });

  it('ignores packets forged by any other local socket: forged RTCP BYEs and RTP change nothing', async () => {
    const video = capture('video');
    const audio = capture('audio');
    assert.ok(video && audio);
    const socket = dgram.createSocket('udp4');
    try {
      const send = (packet: Buffer, port: number) => new Promise<void>((resolve, reject) => socket.send(packet, port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
      const decoders = [video, audio].map((c) => ({ c, pid: c.fork.decoderPid, before: c.frames.length + c.pcm.length }));
      for (const { c } of decoders) {
        const ssrc = sfuTapOf(c.fork).consumer.rtpParameters.encodings?.[0]?.ssrc ?? 0;
        // RTCP BYE (RFC 3550 6.6): V=2, SC=2, PT=203, length 2 words → 12 bytes, naming the real stream's SSRC.
        const bye = Buffer.alloc(12);
        bye.writeUInt8(0x82, 0);
        bye.writeUInt8(203, 1);
        bye.writeUInt16BE(2, 2);
        bye.writeUInt32BE(ssrc, 4);
        bye.writeUInt32BE(ssrc, 8);
        // An RTP packet with the stream's SSRC and payload type and a garbage payload.
        const rtp = Buffer.alloc(200, 0xab);
        rtp.writeUInt8(0x80, 0);
        rtp.writeUInt8(c.fork.tap.codec.payloadType, 1);
        rtp.writeUInt32BE(ssrc, 8);
        for (let i = 0; i < 4; i++) {
          await send(bye, sfuTapOf(c.fork).rtpPort);
          await send(bye, sfuTapOf(c.fork).rtcpPort);
          await send(rtp, sfuTapOf(c.fork).rtpPort);
        }
      }
      await sleep(3_000);
      for (const { c, pid, before } of decoders) {
        assert.equal(c.fork.closed, false, `${c.fork.kind} fork still open`);
        assert.equal(c.fork.decoderPid, pid, `${c.fork.kind} decoder not restarted`);
        assert.equal(c.fork.stats.restarts, 0);
        assert.ok(c.frames.length + c.pcm.length > before + 5, `${c.fork.kind} media still flows`);
      }
    } finally {
      socket.close();
    }
  });

  it('restarts a decoder that dies, and follows a resolution change', async (ctx) => {
    const page = browser.context.pages()[0] as Page;
    const video = capture('video');
    assert.ok(video);
    const oldPid = video.fork.decoderPid;
    assert.ok(oldPid);
    const before = video.frames.length;
    process.kill(oldPid, 'SIGKILL');
    await until(() => video.fork.stats.restarts === 1 && video.fork.decoderPid !== oldPid, 5_000, 'the decoder restarted');
    const t0 = Date.now();
    await until(() => video.frames.length >= before + 3, 10_000, 'frames again after the restart');
    ctx.diagnostic(`frames again ${Date.now() - t0} ms after the restart (key frame requests so far: ${video.fork.stats.keyFrameRequests})`);
    assert.equal(isAlive(oldPid), false);
    assert.equal(video.fork.closed, false);

    // The camera switches to a square picture mid-stream: frames follow with the new aspect ratio.
    assert.equal(await page.evaluate(() => (globalThis as unknown as MeetingWindow).affectcastMeeting.setCamera({ width: 480, height: 480 })), true);
    await until(() => video.frames.at(-1)?.width === 320 && video.frames.at(-1)?.height === 320, 10_000, 'square frames after the camera change');
    const square = video.frames.at(-1)!;
    assert.equal(square.data.length, 320 * 320 * 3);
    assert.ok(rgbDistance(meanRgb(square.data), [0, 0, 0]) > 40, 'not black');
    await page.evaluate(() => (globalThis as unknown as MeetingWindow).affectcastMeeting.setCamera({ width: 640, height: 480 }));
    await until(() => video.frames.at(-1)?.height === 240, 10_000, 'landscape frames again');
  });

  it('closes the forks when the peer leaves or closes its page, and when its room closes', async () => {
    const page = browser.context.pages()[0] as Page;
    const check = async (label: string, opened: Capture[]) => {
      await until(() => opened.every((c) => c.fork.closed), 5_000, `${label}: forks closed`);
      for (const c of opened) {
        assert.equal(c.fork.tap.closed, true, `${label}: tap closed`);
        assert.equal(sfuTapOf(c.fork).transport.closed, true, `${label}: tap transport closed`);
        assert.equal(sfuTapOf(c.fork).consumer.closed, true, `${label}: tap consumer closed`);
      }
      await until(() => liveChildProcesses('ffmpeg').length === 0, 3_000, `${label}: no ffmpeg left`);
      // A child that has just exited is a zombie until Node reaps it on its next turn; one that stays is a leak.
      await until(() => zombieChildren().length === 0, 2_000, `${label}: no zombie`);
      assert.equal(forks.forks.size, 0);
      assert.equal(forks.ports.inUse, 0, `${label}: decoder ports released`);
      const taps = (await metrics.taps.get()).values;
      assert.ok(taps.every((v) => v.value === 0), `${label}: taps gauge back to 0`);
    };
    const openForks = () => [...captures.values()].filter((c) => !c.fork.closed);

    // 1. leave
    const room1 = t.app.rooms.get('fork') as Room;
    const forked = openForks();
    assert.equal(forked.length, 2);
    await page.evaluate(() => (globalThis as unknown as MeetingWindow).affectcastMeeting.leave());
    await check('leave', forked);
    assert.equal(room1.closed, true);
    assert.deepEqual((await room1.router.dump().catch(() => ({ transportIds: [] }))).transportIds, []);

    // 2. room closed by the server while the peer is in it
    await page.evaluate(() => (globalThis as unknown as MeetingWindow).affectcastMeeting.join());
    const again = await until(() => (openForks().length === 2 ? openForks() : undefined), 10_000, 'forks after rejoining');
    await until(() => again.every((c) => c.frames.length + c.pcm.length > 0), 10_000, 'media after rejoining');
    const room2 = t.app.rooms.get('fork') as Room;
    assert.notEqual(room2, room1);
    const pids = again.map((c) => c.fork.decoderPid!);
    room2.close();
    await until(() => again.every((c) => c.fork.closed), 5_000, 'room close: forks closed');
    await until(() => pids.every((pid) => !isAlive(pid)), 3_000, 'room close: decoders exited');
    for (const c of again) assert.equal(sfuTapOf(c.fork).transport.closed, true);

    // The page is disconnected and comes back by itself (a new room); 3. then it closes.
    const third = await until(() => (openForks().length === 2 ? openForks() : undefined), 15_000, 'forks after the page reconnected');
    await page.close();
    await check('page close', third);
  });

  it('forks an H.264 camera too', async (ctx) => {
    const media = testMedia();
    const h264 = await launchBrowser({ name: 'h264', y4m: media.graceHopperY4m, wav: media.speechWav });
    try {
      const page = await h264.newPage(t.meetingUrl('fork-h264', { query: { videoCodec: 'h264' } }));
      const video = await until(() => capture('video'), 10_000, 'a video fork');
      assert.equal(video.fork.tap.codec.mimeType, 'video/H264');
      assert.equal(video.fork.tap.codec.parameters?.['packetization-mode'], 1);
      await until(() => video.frames.length >= 5, 15_000, '5 H.264 frames');
      const expected = referenceMeanRgb(media.graceHopperY4m, 320, 240);
      const got = meanRgb(video.frames.at(-1)!.data);
      ctx.diagnostic(`H.264: first frame after ${video.fork.stats.firstMediaMs} ms, mean ${got.map(Math.round)} vs source ${expected.map(Math.round)}`);
      assert.ok(rgbDistance(got, expected) < 10);
      const opened = [...captures.values()].filter((c) => !c.fork.closed);
      await page.close();
      await until(() => opened.every((c) => c.fork.closed), 5_000, 'H.264 forks closed');
      await until(() => liveChildProcesses('ffmpeg').length === 0, 3_000, 'no ffmpeg left');
    } finally {
      h264.saveLog('fork-h264');
      await h264.close();
    }
  });
});
