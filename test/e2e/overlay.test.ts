// A publisher's face reaches an OBS overlay through every real part: Chromium's fake camera → meeting page →
// mediasoup → PlainTransport → ffmpeg → BlazeFace + expression net (ONNX) → /affect → the overlay page.
// Also: /affect admits only overlay/dashboard tokens of its room; the overlay shows the current state right
// after a reload, and reconnects by itself when the server restarts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import type { Page } from 'playwright-core';
import { analyzeFile } from '../../src/analyzer/file/analyzeFile.js';
import { loadProfile } from '../../src/analyzer/profiles/loadProfile.js';
import { AffectEventSchema, type AffectEvent } from '../../src/contracts/affect.js';
import type { AffectServerToClientEvents } from '../../src/contracts/overlay.js';
import { silentLogger } from '../../src/log/logger.js';
import {
  acceptConsent,
  launchBrowser,
  liveChildProcesses,
  saveScreenshot,
  startTestApp,
  testMedia,
  until,
  type TestApp,
  type TestBrowser,
} from '../support/index.js';

const ROOM = 'studio';
const SECRET = 'overlay-test-secret-0123456789abcdefghij';
type Box = [number, number, number, number];

function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const iy = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  const inter = ix * iy;
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
}

function affectClient(t: TestApp, token: string | undefined): Socket<AffectServerToClientEvents> {
  return connect(`${t.baseUrl}/affect`, { transports: ['websocket'], auth: token === undefined ? {} : { token }, reconnection: false, forceNew: true });
}

/** The connect_error code for a token, or 'connected'. */
function connectOutcome(t: TestApp, token: string | undefined): Promise<string> {
  const socket = affectClient(t, token);
  return new Promise((resolve) => {
    socket.on('connect', () => resolve('connected'));
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => resolve(error.data?.code ?? error.message));
  }).finally(() => socket.close()) as Promise<string>;
}

const overlayState = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { affectcastOverlay: { connection: string; events: number; firstRenderFrom: string | null } }).affectcastOverlay);

describe('overlay', () => {
  let t: TestApp;
  const browsers: TestBrowser[] = [];
  const sockets: Socket[] = [];
  let expectedBox: Box;

  before(async () => {
    const media = testMedia();
    t = await startTestApp({ config: { auth: { secret: SECRET }, analyzer: { fps: 5 } } });
    // What the same pipeline finds in the source file itself: the live box must sit on the same face.
    const profile = await loadProfile(t.config, silentLogger());
    try {
      const events: AffectEvent[] = [];
      await analyzeFile({ file: media.astronautY4m, profile, fps: 1, maxSide: t.config.analyzer.maxSide, logger: silentLogger(), onEvent: (e) => events.push(e) });
      const face = events[0]?.faces[0];
      assert.ok(face, 'the source video has a face');
      expectedBox = face.box;
    } finally {
      await profile.close();
    }
  });

  after(async () => {
    for (const s of sockets) s.close();
    await Promise.all(browsers.map((b) => b.close()));
    await t?.close();
    assert.deepEqual(liveChildProcesses('ffmpeg'), [], 'no decoder left');
  });

  it('admits only overlay and dashboard tokens of its own room', async () => {
    assert.equal(await connectOutcome(t, undefined), 'UNAUTHORIZED');
    assert.equal(await connectOutcome(t, 'ac1.forged.token'), 'UNAUTHORIZED');
    assert.equal(await connectOutcome(t, t.token('overlay', ROOM, -1000)), 'UNAUTHORIZED');
    assert.equal(await connectOutcome(t, t.token('meeting', ROOM)), 'FORBIDDEN');
    assert.equal(await connectOutcome(t, t.token('overlay', ROOM)), 'connected');
    assert.equal(await connectOutcome(t, t.token('dashboard', ROOM)), 'connected');
    // The pages themselves are refused without the right token, too.
    assert.equal((await fetch(`${t.baseUrl}/overlay?room=${ROOM}`)).status, 401);
    assert.equal((await fetch(`${t.baseUrl}/overlay?room=${ROOM}&token=${encodeURIComponent(t.token('meeting', ROOM))}`)).status, 403);
    assert.equal((await fetch(`${t.baseUrl}/overlay?room=other&token=${encodeURIComponent(t.token('overlay', ROOM))}`)).status, 403);
    assert.equal((await fetch(`${t.baseUrl}/dashboard?room=${ROOM}&token=${encodeURIComponent(t.token('dashboard', ROOM))}`)).status, 200);
  });

  it("a publisher's face reaches the overlay, which survives a reload and a server restart", async (ctx) => {
    const media = testMedia();
    // A dashboard client of another room must see nothing of this one.
    const elsewhere = affectClient(t, t.token('dashboard', 'elsewhere'));
    sockets.push(elsewhere);
    const leaked: AffectEvent[] = [];
    elsewhere.on('affect', (e) => leaked.push(e));

    const listener = affectClient(t, t.token('overlay', ROOM));
    sockets.push(listener);
    const events: AffectEvent[] = [];
    listener.on('affect', (e) => events.push(e));

    const publisher = await launchBrowser({ name: 'publisher', y4m: media.astronautY4m, wav: media.speechWav });
    const viewer = await launchBrowser({ name: 'overlay' });
    browsers.push(publisher, viewer);
    const t0 = Date.now();
    const meeting = await publisher.newPage(t.meetingUrl(ROOM, { name: 'Streamer' }));
    await acceptConsent(meeting);
    const withFace = await until(() => events.find((e) => e.faces.length > 0), 20_000, 'an AffectEvent with a face');
    ctx.diagnostic(`first event with a face ${Date.now() - t0} ms after the meeting page was opened; latency ${withFace.latencyMs} ms`);

    // The event is a valid AffectEvent v1 for this room's publisher, with the face where the face is.
    assert.ok(AffectEventSchema.safeParse(withFace).success, JSON.stringify(AffectEventSchema.safeParse(withFace).error?.issues));
    assert.equal(withFace.roomId, ROOM);
    const room = t.app.rooms.get(ROOM);
    const peer = room && [...room.peers.values()][0];
    assert.ok(peer);
    assert.equal(withFace.peerId, peer.id);
    assert.ok(peer.producers.has(withFace.producerId));
    assert.ok(Math.abs(Date.now() - withFace.capturedAt) < 10_000 && withFace.latencyMs >= 0);
    const face = withFace.faces[0]!;
    ctx.diagnostic(`box ${face.box.map((v) => v.toFixed(3))} vs the source file's ${expectedBox.map((v) => v.toFixed(3))}`);
    assert.ok(iou(face.box, expectedBox) > 0.6, `IoU ${iou(face.box, expectedBox).toFixed(2)}`);
    assert.equal(face.expression?.label, 'happiness', 'the astronaut smiles');
    assert.equal(face.provenance.expression.startsWith('model:faceapi-expression@'), true);
    assert.equal(face.provenance.va, 'estimator:circumplex-v1');
    assert.match(face.provenance.au, /^model:mediapipe-blendshapes@.+\+au-map-v1$/);
    assert.ok(face.aus && face.aus.AU12 > 0.5, `AUs from the first frames, AU12 of a smile: ${face.aus?.AU12}`);
    await until(() => events.filter((e) => e.faces[0]?.faceId === face.faceId).length >= 3, 10_000, 'the face keeps its id');

    // The overlay page shows the participant's top expression and its probability bar.
    const page = await viewer.newPage(`${t.baseUrl}/overlay?room=${ROOM}&token=${encodeURIComponent(t.token('overlay', ROOM))}`);
    const card = page.locator(`section.stream[data-peer-id="${peer.id}"]`);
    await card.locator('[data-widget="top"]', { hasText: /Happiness\s*\d+%/ }).waitFor({ timeout: 10_000 });
    assert.equal(await card.locator('.name').textContent(), 'Streamer');
    // The bar's shown width (0..1) is the scaleX the animation writes.
    await until(
      async () => Number(/scaleX\(([0-9.e-]+)\)/.exec(await card.locator('[data-expression="happiness"] .bar').evaluate((el) => (el as unknown as { style: { transform: string } }).style.transform))?.[1] ?? 0) > 0.5,
      5_000,
      'the happiness bar past half',
    );
    assert.equal(await page.locator('body').evaluate((body) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(body).backgroundColor), 'rgba(0, 0, 0, 0)', 'transparent for OBS');
    await saveScreenshot(page, 'overlay-streamer-happiness');

    // The dashboard shows the same participant with the source of every value.
    const dashboard = await viewer.newPage(`${t.baseUrl}/dashboard?room=${ROOM}&token=${encodeURIComponent(t.token('dashboard', ROOM))}`);
    const row = (measure: string) => dashboard.locator(`section.card[data-peer-id="${peer.id}"]`).first().locator('tr', { has: dashboard.locator('td', { hasText: new RegExp(`^${measure}$`) }) });
    await row('Valence').locator('td.source', { hasText: 'estimated (circumplex-v1)' }).waitFor({ timeout: 10_000 });
    assert.match((await row('Expression').locator('td').nth(1).textContent()) ?? '', /^Happiness/);
    assert.match((await row('Expression').locator('td.source').textContent()) ?? '', /^faceapi-expression@/);
    assert.match((await row('AUs').locator('td.source').textContent()) ?? '', /^mediapipe-blendshapes@.+\+au-map-v1$/);
    await saveScreenshot(dashboard, 'dashboard-streamer');
    await dashboard.close();

    // After a reload the page draws the room state it receives on connect, before any new event.
    await page.reload();
    await card.locator('[data-widget="top"]', { hasText: /Happiness/ }).waitFor({ timeout: 5_000 });
    assert.equal((await overlayState(page)).firstRenderFrom, 'roomState');

    // The server restarts on the same address with the same secret: the page reconnects by itself.
    const port = new URL(t.baseUrl).port;
    await t.close();
    await until(async () => (await overlayState(page)).connection === 'reconnecting', 5_000, 'the overlay notices');
    t = await startTestApp({ config: { auth: { secret: SECRET }, analyzer: { fps: 5 }, server: { port: Number(port) } } });
    await until(async () => (await overlayState(page)).connection === 'live', 15_000, 'the overlay reconnects');
    await until(async () => (await card.count()) === 0, 5_000, 'the stream that ended is gone from the overlay');
    assert.deepEqual(leaked, [], 'no event of this room reached a client of another room');
  });
});
