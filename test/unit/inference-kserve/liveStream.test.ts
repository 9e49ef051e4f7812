// A live stream analysed with inference.remote set: a real RTP publisher's frames go through the SFU, the
// decoder and the default profile, and every model of it runs on the KServe v2 server; AffectEvents with
// the face come out as they do with local inference.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import type { AffectEvent } from '../../../src/contracts/affect.js';
import { MODEL_IDS } from '../../../src/inference/VisionModels.js';
import { loadVerifiedModel } from '../../../src/inference/verifiedModel.js';
import { startRtpPublisher, startTestApp, testMedia, until, type RtpPublisher, type TestApp } from '../../support/index.js';
import { KserveTestServer } from '../../support/kserveServer.js';
import { requireModels } from '../vision/support.js';

const IDS = Object.values(MODEL_IDS);
let server: KserveTestServer;
let t: TestApp;
let publisher: RtpPublisher | undefined;

before(async () => {
  const dir = requireModels(...IDS);
  server = await KserveTestServer.start({ models: await Promise.all(IDS.map((id) => loadVerifiedModel(dir, id))) });
  t = await startTestApp({ config: { analyzer: { fps: 3, maxSide: 320 }, inference: { remote: { url: server.url, timeoutMs: 5_000 } } } });
});
after(async () => {
  await publisher?.close();
  await t?.close();
  await server?.close();
});

it('analyses a live stream with every model on the inference server', { timeout: 180_000 }, async () => {
  const room = await t.app.rooms.getOrCreate('remote');
  const events: AffectEvent[] = [];
  t.app.hub.on('affect', (e) => events.push(e));
  publisher = await startRtpPublisher(room, testMedia().astronautY4m);
  t.app.recording.consents.answer(room.id, publisher.peer, true);
  const withFace = await until(() => events.find((e) => e.faces.length > 0), 120_000, 'an AffectEvent with a face');
  assert.equal(withFace.roomId, 'remote');
  assert.ok(withFace.faces[0]!.score > 0.5);
  const failed = server.requests.filter((r) => r.status !== undefined && r.status !== 200);
  assert.deepEqual(failed, [], 'every request the server answered, it served');
  for (const id of [MODEL_IDS.detector, MODEL_IDS.expression, MODEL_IDS.mesh]) {
    assert.ok(server.inferRequests(id).some((r) => r.status === 200), `model '${id}' ran on the server`);
  }
});
