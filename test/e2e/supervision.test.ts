// Decoders and workers under supervision, with real producers fed by ffmpeg over RTP: a producer is decoded
// only while it sends, the decoder limit holds, a decoder that keeps dying stops its analysis and says so to
// the publisher and the room's pages, the taps gauge comes back to 0, and /healthz tells when no media worker
// runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io as ioClient, type Socket } from 'socket.io-client';
import { AFFECT_NAMESPACE } from '../../src/contracts/overlay.js';
import type { StreamEnded } from '../../src/contracts/overlay.js';
import type { AnalysisStopped } from '../../src/contracts/sfu.js';
import type { MediaFork } from '../../src/analyzer/fork/MediaFork.js';
import type { Room } from '../../src/sfu/Room.js';
import { connectSfuClient, isAlive, sleep, startRtpPublisher, startTestApp, testMedia, until, type RtpPublisher, type TestApp } from '../support/index.js';

const IDLE_MS = 1_500;


async function metric(t: TestApp, name: string): Promise<number> {
  const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
  const values = text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .map((line) => Number(line.split(' ').at(-1)));
  return values.reduce((a, b) => a + b, 0);
}

describe('supervision of decoders and workers', { timeout: 180_000 }, () => {
  let t: TestApp;
  let room: Room;
  const publishers: RtpPublisher[] = [];
  const clip = () => testMedia().astronautY4m;

  before(async () => {
    t = await startTestApp({
      config: { analyzer: { fps: 5, maxSide: 320, idleTimeoutMs: IDLE_MS, maxDecoderRestarts: 2 }, limits: { decoders: 1 } },
    });
    room = await t.app.rooms.getOrCreate('watched');
  });
  after(async () => {
    for (const p of publishers) await p.close();
    await t?.close();
  });

  const forkOf = (producerId: string): MediaFork | undefined => t.app.forks.forks.get(producerId);
  /** An RTP publisher that has consented to analysis (as its meeting page would, on its behalf). */
  const publish = async (options: Parameters<typeof startRtpPublisher>[2] = {}): Promise<RtpPublisher> => {
    const publisher = await startRtpPublisher(room, clip(), options);
    publishers.push(publisher);
    t.app.recording.consents.answer(room.id, publisher.peer, true);
    return publisher;
  };

  it('decodes a producer only while it sends media', async () => {
    const silent = await publish({ send: false, name: 'silent' });
    await sleep(2_000);
    assert.equal(forkOf(silent.producer.id), undefined, 'no decoder for a producer that sends nothing');
    silent.startSending();
    const fork = await until(() => forkOf(silent.producer.id), 10_000, 'a decoder once media flows');
    await until(() => fork.stats.frames > 0, 10_000, 'decoded frames');
    const pid = fork.decoderPid;
    assert.ok(pid);
    silent.pauseSending();
    await until(() => fork.closed, IDLE_MS + 5_000, 'the idle decoder stopped');
    assert.equal(fork.idle, true);
    await until(() => !isAlive(pid), 3_000, 'its ffmpeg gone');
    assert.equal(await metric(t, 'affectcast_media_taps'), 0, 'the taps gauge is back to 0');
    silent.resumeSending();
    const again = await until(() => forkOf(silent.producer.id), 10_000, 'a decoder again when media resumes');
    assert.notEqual(again, fork);
    await until(() => again.stats.frames > 0, 10_000, 'frames again');
  });

  it('holds the decoder limit: a second stream waits, is told once, and is decoded when the first ends', async () => {
    const first = publishers[0];
    assert.ok(first && forkOf(first.producer.id));
    const ended: StreamEnded[] = [];
    const dashboard: Socket = ioClient(`${t.baseUrl}${AFFECT_NAMESPACE}`, { transports: ['websocket'], auth: { token: t.token('dashboard', 'watched') }, forceNew: true });
    dashboard.on('streamEnded', (e: StreamEnded) => ended.push(e));
    await new Promise<void>((resolve) => dashboard.once('connect', () => resolve()));
    try {
      const second = await publish({ name: 'second' });
      await until(() => ended.some((e) => e.producerId === second.producer.id), 10_000, 'the dashboard told');
      await sleep(1_500);
      assert.equal(forkOf(second.producer.id), undefined, 'not decoded while the limit is reached');
      const told = ended.filter((e) => e.producerId === second.producer.id);
      assert.equal(told.length, 1, 'told once, not at every poll');
      assert.equal(told[0]?.cause, 'failed');
      assert.match(told[0]?.reason ?? '', /at most 1 stream/);
      await first.close();
      await until(() => forkOf(second.producer.id), 10_000, 'the second stream decoded once a decoder is free');
    } finally {
      dashboard.close();
    }
  });

  it('stops a stream whose decoder keeps dying, and tells its publisher and the dashboard why', async () => {
    for (const p of publishers.splice(0)) await p.close();
    const client = await connectSfuClient(t.baseUrl, { token: t.token('meeting', 'watched') });
    const dashboard: Socket = ioClient(`${t.baseUrl}${AFFECT_NAMESPACE}`, { transports: ['websocket'], auth: { token: t.token('dashboard', 'watched') }, forceNew: true });
    try {
      const joined = await client.request<{ peerId: string }>('join', { displayName: 'Flaky' });
      assert.ok(joined.ok);
      // The room emptied when the earlier publishers left: the join made a new one.
      room = await t.app.rooms.getOrCreate('watched');
      const peer = room.peers.get(joined.data.peerId);
      assert.ok(peer);
      assert.equal((await client.request<{ granted: boolean }>('consent', { granted: true })).ok, true);
      const stopped = client.next('analysisStopped', 30_000) as Promise<AnalysisStopped>;
      const ended = new Promise<StreamEnded>((resolve) => dashboard.on('streamEnded', (e: StreamEnded) => e.cause === 'failed' && resolve(e)));
      const publisher = await startRtpPublisher(room, clip(), { peer });
      publishers.push(publisher);
      const fork = await until(() => forkOf(publisher.producer.id), 10_000, 'a decoder');
      // maxDecoderRestarts = 2: two deaths are restarted (after a backoff), the third stops the analysis.
      let frames = 0;
      for (let death = 1; death <= 3; death++) {
        // Each decoder is killed once it has decoded (a decoder that dies before listening counts the same).
        await until(() => fork.stats.frames > frames, 10_000, `frames from decoder ${death}`);
        frames = fork.stats.frames;
        const pid = fork.decoderPid;
        assert.ok(pid);
        process.kill(pid, 'SIGKILL');
        if (death < 3) await until(() => fork.decoderPid !== pid && fork.stats.restarts === death, 10_000, `restart ${death}`);
      }
      const notice = await stopped;
      assert.equal(notice.producerId, publisher.producer.id);
      assert.match(notice.reason, /failed 3 times/);
      const seen = await ended;
      assert.equal(seen.producerId, publisher.producer.id);
      assert.equal(fork.closed, true);
      assert.equal(fork.failure, notice.reason);
      assert.ok((await metric(t, 'affectcast_unanalysed_streams_total')) >= 1);
      assert.equal(await metric(t, 'affectcast_media_taps'), 0);
      // The call itself goes on: the producer is still there, only its analysis stopped.
      assert.equal(publisher.producer.closed, false);
    } finally {
      dashboard.close();
      client.close();
    }
  });

  it('answers /healthz and /readyz with 503 and the reason while no media worker runs', async () => {
    const healthy = await fetch(`${t.baseUrl}/healthz`);
    assert.equal(healthy.status, 200);
    // what runs each model: here every one on the CPU (the default), unbatched (measured: it does not pay there)
    const { inference } = (await healthy.json()) as { inference?: Array<{ model: string; provider: string; batch: { maxBatch: number } }> };
    assert.ok(inference?.some((e) => e.model === 'blazeface'), 'the detector is listed');
    for (const e of inference ?? []) assert.deepEqual([e.provider, e.batch.maxBatch], ['cpu', 1], e.model);
    assert.equal(await metric(t, 'affectcast_media_workers'), 1);
    // Three deaths are replaced at once; the fourth within a minute waits (backoff): no worker meanwhile.
    for (let death = 1; death <= 4; death++) {
      const worker = await until(() => t.app.workers[0], 15_000, `worker ${death}`);
      process.kill(worker.worker.pid, 'SIGKILL');
      await until(() => t.app.workers[0] !== worker, 5_000, 'the death noticed');
    }
    const health = await fetch(`${t.baseUrl}/healthz`);
    const body = (await health.json()) as { status: string; reason?: string; workers: number };
    assert.equal(health.status, 503);
    assert.match(body.reason ?? '', /no media worker/);
    assert.equal(body.workers, 0);
    assert.equal((await fetch(`${t.baseUrl}/readyz`)).status, 503);
    assert.equal(await metric(t, 'affectcast_media_workers'), 0);
    await until(() => t.app.workers.length === 1, 15_000, 'a worker again');
    await until(async () => (await fetch(`${t.baseUrl}/healthz`)).status === 200, 5_000, 'healthy again');
    assert.equal((await fetch(`${t.baseUrl}/readyz`)).status, 200);
    assert.equal(await metric(t, 'affectcast_media_workers'), 1);
  });
});
