// Consent, checked where it matters — in what the server analyses and records. Real publishers (Chromium's
// fake camera → meeting page → mediasoup → ffmpeg → ONNX): of two participants, the one who declines is never
// forked, never published and never recorded (no event, not even their name in the session), while the one
// who accepts is; when they withdraw, nothing of theirs is published or recorded after the withdrawal, whose
// time is recorded too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import type { Page } from 'playwright-core';
import type { AffectEvent } from '../../src/contracts/affect.js';
import type { AffectServerToClientEvents } from '../../src/contracts/overlay.js';
import type { MeetingWindow } from '../../src/web/meeting/pageState.js';
import { launchBrowser, liveChildProcesses, sleep, startTestApp, testMedia, until, type TestApp, type TestBrowser } from '../support/index.js';

const ROOM = 'trial';
const FPS = 5;

const meeting = (page: Page) =>
  page.evaluate(() => {
    const m = (globalThis as unknown as MeetingWindow).affectcastMeeting;
    return { peerId: m.peerId, video: m.publishing.video, granted: m.consent.granted };
  });

describe('consent in the recording', { timeout: 180_000 }, () => {
  let t: TestApp;
  let browser: TestBrowser;
  let listener: Socket<AffectServerToClientEvents>;
  const received: Array<AffectEvent & { receivedAt: number }> = [];

  before(async () => {
    t = await startTestApp({ config: { analyzer: { fps: FPS }, rooms: { [ROOM]: { purpose: 'research' } } } });
    listener = connect(`${t.baseUrl}/affect`, { transports: ['websocket'], auth: { token: t.token('dashboard', ROOM) }, forceNew: true });
    listener.on('affect', (e) => received.push({ ...e, receivedAt: Date.now() }));
    browser = await launchBrowser({ name: 'consent-recording', y4m: testMedia().astronautY4m });
  });

  after(async () => {
    listener?.close();
    await browser?.close();
    await t?.close();
    assert.deepEqual(liveChildProcesses('ffmpeg'), [], 'no decoder left');
  });

  it('records nothing of a participant who declines, and nothing of one after they withdraw', { timeout: 150_000 }, async (ctx) => {
    const { store, writer } = t.app.recording;
    const ana = await browser.newPage(t.meetingUrl(ROOM, { name: 'Ana' }));
    const ben = await browser.newPage(t.meetingUrl(ROOM, { name: 'Ben' }));
    const joined = async (page: Page) =>
      until(async () => {
        const m = await meeting(page);
        return m.peerId && m.video ? m.peerId : null;
      }, 30_000, 'joined and publishing');
    const anaId = await joined(ana);
    const benId = await joined(ben);

    await ben.locator('#consent-decline').click({ timeout: 15_000 });
    await until(async () => (await meeting(ben)).granted === false, 10_000, 'Ben declined');
    await ana.locator('#consent-accept').click({ timeout: 15_000 });
    await until(async () => (await meeting(ana)).granted === true, 10_000, 'Ana accepted');

    await until(() => received.filter((e) => e.peerId === anaId && e.faces.length > 0).length >= 5, 60_000, "Ana's analysis");
    await sleep(2_000);
    await writer.flush();
    const session = t.app.recording.recorder.current(ROOM);
    assert.ok(session, 'a session records');
    const count = (peerId: string) => store.db.prepare('SELECT count(*) FROM events WHERE peer_id = ?').pluck().get(peerId) as number;
    assert.ok(count(anaId) >= 5, `Ana's events are recorded (${count(anaId)})`);
    assert.equal(count(benId), 0, "no event of Ben's is recorded");
    assert.equal(received.filter((e) => e.peerId === benId).length, 0, "no event of Ben's is published");
    assert.deepEqual(store.participants(session.id).map((p) => p.displayName), ['Ana'], "Ben's name is not in the session");
    // Ana's camera and microphone are forked; nothing of Ben's is.
    assert.equal(liveChildProcesses('ffmpeg').length, 2, 'one decoder per track of Ana, none for Ben');
    assert.deepEqual(
      store.consents(ROOM).map((c) => [c.displayName, c.granted]),
      [['Ben', false], ['Ana', true]],
    );

    await ana.locator('#consent-toggle', { hasText: 'Withdraw consent' }).click();
    await until(async () => (await meeting(ana)).granted === false, 10_000, 'withdrawal recorded');
    const withdrawal = store.consents(ROOM).at(-1);
    assert.deepEqual([withdrawal?.displayName, withdrawal?.granted], ['Ana', false]);
    const withdrawnAt = withdrawal?.at ?? 0;
    await sleep(3_000);
    await writer.flush();
    const afterwards = store.db.prepare('SELECT count(*) FROM events WHERE peer_id = ? AND at > ?').pluck().get(anaId, withdrawnAt) as number;
    assert.equal(afterwards, 0, 'nothing of Ana is recorded after the withdrawal');
    const late = received.filter((e) => e.peerId === anaId && e.receivedAt > withdrawnAt + 1000 / FPS);
    assert.equal(late.length, 0, `events published more than one analysis interval after the withdrawal: ${late.length}`);
    assert.equal(liveChildProcesses('ffmpeg').length, 0, "Ana's decoders are gone");
    ctx.diagnostic(`Ana: ${count(anaId)} events recorded before withdrawal, 0 after`);
    await ana.close();
    await ben.close();
  });
});
