// A researcher analyses a local recording from the dashboard: headless Chromium decodes a real VP8/Opus clip
// with ffmpeg.wasm (served by the App itself), sends frames and audio over /file, and the live profile's real
// networks analyse them into the room: AffectEvents with the face reach /affect, the dashboard draws the
// recording's card, and the export holds its rows. Nothing is fetched from anywhere but the App. Then the
// namespace's refusals: wrong role, no consent, oversized and malformed parts — each a catalogue code, with
// the connection still usable.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import type { AffectEvent } from '../../src/contracts/affect.js';
import { FILE_NAMESPACE, FILE_PART_BYTES } from '../../src/contracts/fileAnalysis.js';
import { launchBrowser, startTestApp, testMedia, until, type TestApp, type TestBrowser } from '../support/index.js';

const ROOM = 'study';
const CLIP_S = 3;

interface FileDebug {
  state: string;
  frames: number;
  faces: number;
  error: string | null;
}

describe('dashboard: analyse a recording in the browser', { timeout: 240_000 }, () => {
  let t: TestApp;
  let browser: TestBrowser;
  let clip: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-file-'));
  const sockets: Socket[] = [];
  const open = (token: string, namespace = FILE_NAMESPACE): Socket => {
    const socket = connect(`${t.baseUrl}${namespace}`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    sockets.push(socket);
    return socket;
  };

  before(async () => {
    // A real recording as a researcher would bring one: VP8 video of a face with Opus speech, in WebM.
    const media = testMedia();
    clip = path.join(tmp, 'interview.webm');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-stream_loop', '2', '-i', media.astronautY4m, '-i', media.speechWav, '-t', String(CLIP_S),
      '-c:v', 'libvpx', '-b:v', '800k', '-c:a', 'libopus', '-shortest', clip], { timeout: 60_000 });
    t = await startTestApp({ config: { analyzer: { fps: 5 } } });
    browser = await launchBrowser({ name: 'dashboard-file' });
  });

  after(async () => {
    for (const s of sockets) s.disconnect();
    await browser?.close();
    await t?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('decodes the clip with ffmpeg.wasm in the page and the live profile analyses it into the room', { timeout: 180_000 }, async () => {
    const events: AffectEvent[] = [];
    const affect = open(t.token('overlay', ROOM), '/affect');
    affect.on('affect', (e: AffectEvent) => {
      if (e.producerId.startsWith('file:')) events.push(e);
    });
    await until(() => affect.connected, 10_000, 'the /affect socket');

    const page = await browser.newPage();
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(t.baseUrl) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    await page.goto(`${t.baseUrl}/dashboard?room=${ROOM}&token=${encodeURIComponent(t.token('dashboard', ROOM))}`);
    await page.setInputFiles('#file-input', clip);
    assert.equal(await page.isDisabled('#file-analyse'), true, 'no analysis before the consent is confirmed');
    await page.check('#file-consent');
    await page.click('#file-analyse');
    const debug = () => page.evaluate(() => (globalThis as unknown as { affectcastDashboard: { file: FileDebug } }).affectcastDashboard.file);
    try {
      await until(async () => ['done', 'failed'].includes((await debug()).state), 150_000, 'the page to finish the recording');
    } catch (error) {
      browser.saveLog('dashboard-file');
      throw error;
    }
    const state = await debug();
    assert.equal(state.state, 'done', `the page says: ${state.error ?? ''}\n${browser.log.slice(-20).join('\n')}`);

    // ffmpeg's fps filter gives CLIP_S × fps frames (±1 at the ends); every one became one event.
    const expected = CLIP_S * t.config.analyzer.fps;
    assert.ok(Math.abs(state.frames - expected) <= 1, `${state.frames} frames sent for ${CLIP_S} s at ${t.config.analyzer.fps} fps`);
    await until(() => events.length >= state.frames, 10_000, 'every event');
    assert.equal(events.length, state.frames, 'one AffectEvent per frame');
    // The astronaut is in every frame: the real detector finds one face, the real expression net labels it.
    const withFace = events.filter((e) => e.faces.length === 1);
    assert.ok(withFace.length >= events.length - 1, `a face in ${withFace.length} of ${events.length} frames`);
    for (const e of withFace) {
      assert.ok(e.faces[0]!.expression, 'expression present');
      assert.match(e.faces[0]!.provenance.expression, /^model:/);
    }
    // The recording's own clock: one frame every 1000/fps ms from the upload's start.
    const steps = events.slice(1).map((e, i) => e.capturedAt - events[i]!.capturedAt);
    for (const step of steps) assert.ok(Math.abs(step - 1000 / t.config.analyzer.fps) < 2, `frame step ${step} ms`);
    assert.equal(new Set(events.map((e) => e.producerId)).size, 1, 'one stream for the recording');

    // The dashboard shows the recording as its own participant with a drawn timeline.
    await until(async () => {
      const faces = (await page.evaluate(() => (globalThis as unknown as { affectcastDashboard: { faces(): Record<string, { peerId: string; points: number }> } }).affectcastDashboard.faces()));
      return Object.values(faces).some((f) => f.peerId === events[0]!.peerId && f.points > 0);
    }, 10_000, "the recording's card");

    // Recorded like a live stream: the export has its rows, under the recording's name.
    const csv = await (await fetch(`${t.baseUrl}/api/rooms/${ROOM}/events?format=csv`, { headers: { authorization: `Bearer ${t.token('dashboard', ROOM)}` } })).text();
    const rows = csv.split('\n').filter((l) => l.includes('recording: interview.webm'));
    assert.ok(rows.length >= withFace.length, `${rows.length} exported rows name the recording`);

    assert.deepEqual(foreign, [], 'every file came from the App (ffmpeg core and wasm included)');
  });

  it('refuses other roles, recordings without consent, and malformed or oversized parts, and stays usable', { timeout: 60_000 }, async () => {
    const refused = open(t.token('overlay', ROOM));
    const error = await new Promise<{ data?: { code?: string } }>((resolve) => refused.on('connect_error', resolve));
    assert.equal(error.data?.code, 'FORBIDDEN');

    const socket = open(t.token('dashboard', ROOM));
    await until(() => socket.connected, 10_000, 'the /file socket');
    const ask = (event: string, payload: unknown) => socket.timeout(10_000).emitWithAck(event, payload) as Promise<{ ok: boolean; data?: { uploadId: string; maxSide: number }; error?: { code: string } }>;
    assert.equal((await ask('fileBegin', { name: 'x.webm', consent: false, durationMs: 1000 })).error?.code, 'BAD_REQUEST');
    const begun = await ask('fileBegin', { name: 'x.webm', consent: true, durationMs: 1000 });
    assert.equal(begun.ok, true);
    const uploadId = begun.data!.uploadId;
    assert.equal((await ask('fileBegin', { name: 'y.webm', consent: true, durationMs: 1000 })).error?.code, 'LIMIT_REACHED', 'one upload per connection');
    const frame = (over: Record<string, unknown>) => ({ uploadId, index: 0, t: 0, width: 32, height: 32, part: 0, parts: 1, data: new Uint8Array(32 * 32 * 3), ...over });
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['a part above the limit', { width: 320, height: 240, data: new Uint8Array(FILE_PART_BYTES + 1), parts: 2 }, 'BAD_REQUEST'],
      ['too few bytes for its size', { data: new Uint8Array(100) }, 'BAD_REQUEST'],
      ['larger than the analysis size', { width: begun.data!.maxSide + 2, height: 32, data: new Uint8Array(10) }, 'BAD_REQUEST'],
      ['out of order', { index: 5 }, 'BAD_REQUEST'],
      ['another upload', { uploadId: 'AAAAAAAAAAAA' }, 'NOT_FOUND'],
      ['not bytes', { data: 'pixels' }, 'BAD_REQUEST'],
    ];
    for (const [what, over, code] of cases) assert.equal((await ask('fileFrame', frame(over))).error?.code, code, what);
    assert.equal((await ask('fileTeleport', {})).error?.code, 'UNKNOWN_REQUEST');
    // Still usable: a valid frame of a face-less grey square is analysed (no faces), and the upload ends.
    const ok = await ask('fileFrame', frame({ data: new Uint8Array(32 * 32 * 3).fill(128) }));
    assert.deepEqual(ok, { ok: true, data: { faces: 0 } });
    assert.deepEqual(await ask('fileEnd', { uploadId }), { ok: true, data: { frames: 1, events: 1 } });
    assert.equal((await ask('fileEnd', { uploadId })).error?.code, 'NOT_FOUND');
  });
});
