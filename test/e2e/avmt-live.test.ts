// The paper's network served live (profile 'avmt', an untrained export allowed as for a benchmark): a
// publisher's video and microphone reach the network through the real fork; every event is labelled with
// the export it came from, the face keeps its id (and so its GRU state), and the microphone's PCM feeds the
// peer's trailing log-mel window.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import { AffectEventSchema, type AffectEvent } from '../../src/contracts/affect.js';
import type { AffectServerToClientEvents } from '../../src/contracts/overlay.js';
import { acceptConsent, launchBrowser, liveChildProcesses, startTestApp, testMedia, until, type TestApp, type TestBrowser } from '../support/index.js';
import { runAvmt } from '../unit/avmt/python.js';
import { requireModels } from '../unit/vision/support.js';

let dir = '';
let t: TestApp | undefined;
let browser: TestBrowser | undefined;
let socket: Socket<AffectServerToClientEvents> | undefined;

before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-avmt-live-'));
  runAvmt(['export', '--untrained', '--out', dir, '--width', '0.125']);
  const models = requireModels('blazeface');
  for (const f of ['blazeface.json', 'blazeface.onnx']) fs.copyFileSync(path.join(models, f), path.join(dir, f));
});

after(async () => {
  socket?.close();
  await browser?.close();
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(liveChildProcesses('ffmpeg'), []);
});

test('a live stream runs through the avmt export with per-face state and its peer\'s audio', async () => {
  t = await startTestApp({ config: { models: { profile: 'avmt', dir, allowUntrained: true }, analyzer: { fps: 5 } } });
  const events: AffectEvent[] = [];
  socket = connect(`${t.baseUrl}/affect`, { transports: ['websocket'], auth: { token: t.token('overlay', 'av') }, forceNew: true });
  socket.on('affect', (e) => events.push(e));
  const media = testMedia();
  browser = await launchBrowser({ name: 'avmt', y4m: media.astronautY4m, wav: media.speechWav });
  await acceptConsent(await browser.newPage(t.meetingUrl('av', { name: 'Speaker' })));

  const withFaces = await until(() => (events.filter((e) => e.faces.length > 0).length >= 5 ? events.filter((e) => e.faces.length > 0) : null), 30_000, '5 events with a face');
  for (const e of withFaces) assert.ok(AffectEventSchema.safeParse(e).success);
  assert.equal(withFaces[0]?.model.id, 'avmt');
  assert.match(withFaces[0]?.model.version ?? '', /untrained/);
  const face = withFaces[0]!.faces[0]!;
  for (const p of Object.values(face.provenance)) assert.match(p, /^untrained:model:avmt@/, 'every value an untrained export gives is marked');
  assert.ok(face.valence !== null && face.aus !== null, 'an allowed export reports every head');
  assert.ok(withFaces.every((e) => e.faces[0]?.faceId === face.faceId), 'one tracked face, one GRU state');
  // the pages say, visibly, that these values come from an untrained export
  const overlay = await browser.newPage(`${t.baseUrl}/overlay?room=av&widgets=top,bars,circumplex&token=${encodeURIComponent(t.token('overlay', 'av'))}`);
  await overlay.locator('section.stream .untrained-badge', { hasText: 'UNTRAINED' }).waitFor({ state: 'visible', timeout: 10_000 });
  await overlay.locator('section.stream [data-widget="circumplex"] .caption', { hasText: 'UNTRAINED' }).waitFor({ timeout: 10_000 });
  const dashboard = await browser.newPage(`${t.baseUrl}/dashboard?room=av&token=${encodeURIComponent(t.token('dashboard', 'av'))}`);
  await dashboard.locator('section.card[data-untrained="true"] td.source', { hasText: /^UNTRAINED avmt@/ }).first().waitFor({ timeout: 10_000 });
  await overlay.close();
  await dashboard.close();
  const app = t.app;
  const samples = async () => Number((await app.metrics.registry.getSingleMetric('affectcast_analysed_audio_samples_total')?.get())?.values[0]?.value ?? 0);
  await until(async () => (await samples()) >= 16_000, 10_000, 'a second of the microphone in the audio window');
});

test('a withheld expression head shows as unavailable on the overlay and dashboard, never as numbers', async () => {
  await browser?.close();
  await t?.close();
  browser = undefined;
  t = undefined;
  // the same export, its manifest saying every head but the expression was really trained
  const withheld = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-avmt-withheld-'));
  try {
    for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(withheld, f));
    const manifestPath = path.join(withheld, 'avmt.json');
    const m = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { provenance: unknown };
    m.provenance = {
      status: 'trained', source: 'test', licence: 'test',
      heads: { va: 'trained', au: 'trained', expr: 'untrained' },
      training: { data: 'test', epochs: 2, labelled: { va: 5000, au: 5000, expr: 0 }, metrics: {} },
    };
    fs.writeFileSync(manifestPath, JSON.stringify(m));
    t = await startTestApp({ config: { models: { profile: 'avmt', dir: withheld }, analyzer: { fps: 5 } } });
    browser = await launchBrowser({ name: 'avmt-withheld', y4m: testMedia().astronautY4m, wav: testMedia().speechWav });
    await acceptConsent(await browser.newPage(t.meetingUrl('wh', { name: 'Speaker' })));
    const overlay = await browser.newPage(`${t.baseUrl}/overlay?room=wh&token=${encodeURIComponent(t.token('overlay', 'wh'))}`);
    await overlay.locator('section.stream .top-expression', { hasText: 'expression unavailable' }).waitFor({ timeout: 30_000 });
    assert.equal(await overlay.locator('section.stream .untrained-badge').isVisible(), false, 'trained heads carry no badge');
    assert.deepEqual(await overlay.locator('section.stream .value').allTextContents(), Array(7).fill(''), 'no expression numbers');
    const dashboard = await browser.newPage(`${t.baseUrl}/dashboard?room=wh&token=${encodeURIComponent(t.token('dashboard', 'wh'))}`);
    const expressionRow = dashboard.locator('section.card tr', { has: dashboard.locator('td', { hasText: /^Expression$/ }) });
    await expressionRow.locator('td', { hasText: /^unavailable$/ }).first().waitFor({ timeout: 10_000 });
    assert.equal(await expressionRow.locator('td.source').textContent(), 'unavailable');
    await overlay.close();
    await dashboard.close();
  } finally {
    await browser?.close();
    await t?.close();
    browser = undefined;
    t = undefined;
    fs.rmSync(withheld, { recursive: true, force: true });
  }
});
