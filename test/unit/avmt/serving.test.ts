// Serving the paper's network live (profile 'avmt'): refused when untrained unless explicitly allowed;
// one GRU step per frame with the state kept per tracked face and dropped when the face is lost.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { GruStates } from '../../../src/analyzer/avmt/GruStates.js';
import { avmtHeads, MIN_TRAINING } from '../../../src/analyzer/avmt/avmtHeads.js';
import { loadAvmtProfile } from '../../../src/analyzer/profiles/avmt/avmtProfile.js';
import { LogMelWindow } from '../../../src/analyzer/audio/LogMelWindow.js';
import type { VideoFrame } from '../../../src/analyzer/media/frames.js';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { AffectEventSchema } from '../../../src/contracts/affect.js';
import { AffectcastError } from '../../../src/contracts/errors.js';
import type { Expression } from '../../../src/contracts/labels.js';
import { silentLogger } from '../../../src/log/logger.js';
import type { ModelManifest } from '../../../src/models/manifest.js';
import { decodeImage, facePhotos, greyFrame, requireModels } from '../vision/support.js';
import { runAvmt } from './python.js';

let dir = '';
let frame: VideoFrame;

before(async () => {
  // a small untrained export (width 0.125) beside the real BlazeFace build
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-avmt-serving-'));
  runAvmt(['export', '--untrained', '--out', dir, '--width', '0.125']);
  const models = requireModels('blazeface');
  for (const f of ['blazeface.json', 'blazeface.onnx']) fs.copyFileSync(path.join(models, f), path.join(dir, f));
  const photos = await facePhotos();
  frame = { ...(await decodeImage(photos.astronaut as string, 512)), capturedAt: Date.now() };
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

const config = (allowUntrained: boolean) =>
  loadConfig({ profile: 'avmt', allowUntrained }, { AFFECTCAST_MODELS_DIR: dir, AFFECTCAST_DATA_DIR: dir });

test('an untrained export is refused, saying why, unless --allow-untrained', async () => {
  await assert.rejects(loadAvmtProfile(config(false), silentLogger()), (error: unknown) => {
    assert.ok(error instanceof AffectcastError);
    assert.equal(error.code, 'MODEL_UNTRAINED');
    assert.match(error.message, /untrained/);
    assert.match(error.message, /--allow-untrained/);
    return true;
  });
});

test('a missing export names the command that makes one', async () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-avmt-empty-'));
  try {
    const c = loadConfig({ profile: 'avmt' }, { AFFECTCAST_MODELS_DIR: empty, AFFECTCAST_DATA_DIR: empty });
    await assert.rejects(loadAvmtProfile(c, silentLogger()), /models\.avmt export/);
  } finally {
    fs.rmSync(empty, { recursive: true, force: true });
  }
});

test('one step per frame: the face state carries over frames and restarts when the face is lost', async () => {
  const profile = await loadAvmtProfile(config(true), silentLogger());
  const audio = new LogMelWindow(1000);
  const stream = profile.createStreamAnalyzer({ roomId: 'r', peerId: 'p', producerId: 'v', audio: () => audio });
  try {
    const first = await stream.analyze(frame);
    const second = await stream.analyze(frame);
    assert.equal(first.length, 1);
    assert.equal(second[0]?.faceId, first[0]?.faceId, 'same face, same id');
    // identical pixels and audio: only the carried GRU state can change the output
    assert.notDeepEqual(second[0]?.expression?.probs, first[0]?.expression?.probs);

    // lose the face (lostAfterFrames empty frames), then it comes back as a new face with a fresh state
    const empty = { ...greyFrame(frame.width, frame.height), capturedAt: Date.now() };
    for (let i = 0; i < 11; i++) assert.deepEqual(await stream.analyze(empty), []);
    const again = await stream.analyze(frame);
    assert.notEqual(again[0]?.faceId, first[0]?.faceId);
    for (const [label, p] of Object.entries(first[0]!.expression!.probs)) {
      assert.ok(Math.abs(p - again[0]!.expression!.probs[label as Expression]) < 1e-5, `fresh state reproduces step 1 (${label})`);
    }
    assert.ok(Math.abs((again[0]!.valence ?? 9) - (first[0]!.valence ?? 0)) < 1e-5);

    // every value let through by --allow-untrained is marked untrained, and fits the public event schema
    for (const p of Object.values(first[0]!.provenance)) assert.match(p, /^untrained:model:avmt@.*untrained/);
    const event = { v: 1, roomId: 'r', peerId: 'p', producerId: 'v', capturedAt: 1, latencyMs: 1, model: profile.model, faces: first };
    assert.ok(AffectEventSchema.safeParse(event).success);
  } finally {
    stream.close();
    await profile.close();
  }
});

test('GRU states gather into [layers, N, units] and scatter back per face', () => {
  const states = new GruStates(2, 3);
  assert.deepEqual([...states.gather([7])], [0, 0, 0, 0, 0, 0]);
  // h1 for faces [7, 9]: layer-major
  states.scatter([7, 9], Float32Array.from([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]));
  assert.deepEqual([...states.gather([9, 7])], [2, 2, 2, 1, 1, 1, 4, 4, 4, 3, 3, 3]);
  states.forget([7]);
  assert.deepEqual([...states.gather([7, 9])], [0, 0, 0, 2, 2, 2, 0, 0, 0, 4, 4, 4]);
});

test('a head counts as trained only with the training its manifest records; --allow-untrained unlocks untrained exports only', () => {
  const enough = { data: 'd', epochs: 3, labelled: { va: 5000, au: 5000, 'au.AU20': 0, expr: 5000 }, metrics: {} };
  const manifest = (provenance: Partial<ModelManifest['provenance']>) => ({ id: 'avmt', version: 'v1', provenance: { status: 'trained', source: 's', licence: 'l', ...provenance } }) as ModelManifest;
  const trained = avmtHeads(manifest({ heads: { va: 'trained', au: 'trained', expr: 'trained' }, training: enough }), false);
  assert.deepEqual([trained.va, trained.au, trained.expression], [true, true, true]);
  assert.deepEqual(trained.provenance, { va: 'model:avmt@v1', au: 'model:avmt@v1', expression: 'model:avmt@v1' });
  const noAu20 = avmtHeads(manifest({ heads: { va: 'trained', au: 'trained', 'au.AU20': 'untrained', expr: 'trained' }, training: enough }), true);
  assert.deepEqual([noAu20.va, noAu20.au, noAu20.expression], [true, false, true], '--allow-untrained does not unlock a head of a trained export');
  assert.deepEqual(noAu20.withheld, ['au']);
  assert.equal(noAu20.provenance.au, 'unavailable');
  // "trained" in the status, but no record of real training: withheld
  assert.deepEqual(avmtHeads(manifest({ heads: { va: 'trained', au: 'trained', expr: 'trained' } }), false).withheld, ['va', 'au', 'expression']);
  const smoke = avmtHeads(manifest({ training: { ...enough, labelled: { va: MIN_TRAINING.labelledFrames - 1, au: 5000, expr: 5000 } } }), false);
  assert.deepEqual(smoke.withheld, ['va']);
  assert.deepEqual(avmtHeads(manifest({ training: { ...enough, epochs: 0 } }), false).withheld, ['va', 'au', 'expression']);
  const untrained = avmtHeads(manifest({ status: 'untrained' }), false);
  assert.deepEqual(untrained.withheld, ['va', 'au', 'expression']);
  const allowed = avmtHeads(manifest({ status: 'untrained' }), true);
  assert.deepEqual(allowed.withheld, []);
  assert.deepEqual(allowed.provenance, { va: 'untrained:model:avmt@v1', au: 'untrained:model:avmt@v1', expression: 'untrained:model:avmt@v1' });
});

test('a withheld expression head gives expression null, not numbers', async () => {
  // the untrained export's expression head marked untrained in an otherwise "trained" manifest copy
  const trainedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-avmt-withheld-'));
  try {
    for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(trainedDir, f));
    const m = JSON.parse(fs.readFileSync(path.join(trainedDir, 'avmt.json'), 'utf8')) as ModelManifest;
    m.provenance = {
      status: 'trained', source: 'test', licence: 'test',
      heads: { va: 'trained', au: 'trained', expr: 'untrained' },
      training: { data: 'test', epochs: 2, labelled: { va: 5000, au: 5000, expr: 0 }, metrics: {} },
    };
    fs.writeFileSync(path.join(trainedDir, 'avmt.json'), JSON.stringify(m));
    const c = loadConfig({ profile: 'avmt' }, { AFFECTCAST_MODELS_DIR: trainedDir, AFFECTCAST_DATA_DIR: trainedDir });
    const profile = await loadAvmtProfile(c, silentLogger());
    const stream = profile.createStreamAnalyzer({ roomId: 'r', peerId: 'p', producerId: 'v', audio: () => new LogMelWindow(1000) });
    try {
      const [face] = await stream.analyze(frame);
      assert.ok(face);
      assert.equal(face.expression, null);
      assert.equal(face.provenance.expression, 'unavailable');
      assert.match(face.provenance.va, /^model:avmt@/);
      assert.ok(face.valence !== null);
      const event = { v: 1, roomId: 'r', peerId: 'p', producerId: 'v', capturedAt: 1, latencyMs: 1, model: profile.model, faces: [face] };
      assert.ok(AffectEventSchema.safeParse(event).success, 'the schema allows a null expression');
    } finally {
      stream.close();
      await profile.close();
    }
  } finally {
    fs.rmSync(trainedDir, { recursive: true, force: true });
  }
});
