// /metrics tells where the time goes and what the server holds, measured on a real stream: an ffmpeg RTP
// publisher of a public-domain portrait into a real mediasoup producer, a real decoder and the default
// profile's real networks. Asserted: per-stage histograms (decode, wait, detect, mesh, expression, publish,
// record) and per-model inference histograms fill; the tracked-faces gauge counts the face and returns to 0;
// live inference threads; a decoder killed by the test counts one restart; a refused token is counted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MODEL_IDS } from '../../src/inference/VisionModels.js';
import type { Room } from '../../src/sfu/Room.js';
import { startRtpPublisher, startTestApp, testMedia, until, type RtpPublisher, type TestApp } from '../support/index.js';

/** Sum of every series of `name` whose labels include `labels` (e.g. 'stage="detect"'). */
async function metric(t: TestApp, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) && line.includes(labels))
    .map((line) => Number(line.split(' ').at(-1)))
    .reduce((a, b) => a + b, 0);
}

describe('observability: /metrics on a live stream', { timeout: 180_000 }, () => {
  let t: TestApp;
  let room: Room;
  let publisher: RtpPublisher | undefined;

  before(async () => {
    t = await startTestApp({ config: { analyzer: { fps: 5, maxSide: 320 }, models: { inferenceThreads: 2 } } });
    room = await t.app.rooms.getOrCreate('observed');
  });
  after(async () => {
    await publisher?.close();
    await t?.close();
  });

  it('fills the stage and inference histograms, counts tracked faces, workers, restarts and refused tokens', { timeout: 150_000 }, async () => {
    publisher = await startRtpPublisher(room, testMedia().astronautY4m);
    t.app.recording.consents.answer(room.id, publisher.peer, true);

    await until(async () => (await metric(t, 'affectcast_tracked_faces')) === 1, 60_000, 'the astronaut tracked');
    await until(async () => (await metric(t, 'affectcast_stage_duration_ms_count', 'stage="record"')) > 0, 30_000, 'a recorded batch');
    for (const stage of ['decode', 'wait', 'detect', 'mesh', 'expression', 'publish', 'record']) {
      assert.ok((await metric(t, 'affectcast_stage_duration_ms_count', `stage="${stage}"`)) > 0, `stage ${stage} observed`);
    }
    // The detector runs on the first frame and then only every detectEveryFrames: fewer samples than the mesh.
    const detect = await metric(t, 'affectcast_stage_duration_ms_count', 'stage="detect"');
    const mesh = await metric(t, 'affectcast_stage_duration_ms_count', 'stage="mesh"');
    assert.ok(detect < mesh, `detector ran on ${detect} frames, the mesh on ${mesh}`);
    for (const model of Object.values(MODEL_IDS)) {
      assert.ok((await metric(t, 'affectcast_inference_duration_ms_count', `model="${model}"`)) > 0, `${model} runs timed`);
    }
    assert.equal(await metric(t, 'affectcast_failed_batches_total'), 0);
    await until(async () => (await metric(t, 'affectcast_inference_workers')) === 2, 5_000, 'two inference threads');

    // A decoder that dies is restarted and counted.
    const fork = t.app.forks.forks.get(publisher.producer.id);
    assert.ok(fork?.decoderPid, 'the stream has a decoder');
    process.kill(fork.decoderPid, 'SIGKILL');
    await until(async () => (await metric(t, 'affectcast_decoder_restarts_total', 'kind="video"')) === 1, 15_000, 'one restart counted');

    const refusedBefore = await metric(t, 'affectcast_refused_tokens_total');
    assert.equal((await fetch(`${t.baseUrl}/dashboard?room=observed&token=forged`)).status, 401);
    assert.equal(await metric(t, 'affectcast_refused_tokens_total'), refusedBefore + 1);

    // The stream ends: its face is no longer tracked.
    await publisher.close();
    publisher = undefined;
    await until(async () => (await metric(t, 'affectcast_tracked_faces')) === 0, 15_000, 'no face tracked once the stream ended');
  });
});
