// The consent gate on the meeting page, with a real publisher (Chromium's fake camera → mediasoup → ffmpeg →
// ONNX): the notice shows what is analysed, stored, for how long (the configured retention) and who sees it;
// nothing of the participant is analysed before they accept; accepting starts their analysis; the withdraw
// button stops it. A room whose purpose the policy refuses says so and offers nothing to accept.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import type { Page } from 'playwright-core';
import type { AffectEvent } from '../../src/contracts/affect.js';
import type { AffectServerToClientEvents } from '../../src/contracts/overlay.js';
import type { MeetingWindow } from '../../src/web/meeting/pageState.js';
import { launchBrowser, liveChildProcesses, saveScreenshot, sleep, startTestApp, testMedia, until, type TestApp, type TestBrowser } from '../support/index.js';

const ROOM = 'consult';
const meeting = (page: Page) =>
  page.evaluate(() => {
    const m = (globalThis as unknown as MeetingWindow).affectcastMeeting;
    return { peerId: m.peerId, video: m.publishing.video, consent: m.consent };
  });

describe('consent gate', { timeout: 150_000 }, () => {
  let t: TestApp;
  let browser: TestBrowser;
  let listener: Socket<AffectServerToClientEvents>;
  const events: Array<AffectEvent & { receivedAt: number }> = [];

  before(async () => {
    t = await startTestApp({ config: { analyzer: { fps: 5 }, store: { retentionDays: 14 } } });
    listener = connect(`${t.baseUrl}/affect`, { transports: ['websocket'], auth: { token: t.token('dashboard', ROOM) }, forceNew: true });
    listener.on('affect', (e) => events.push({ ...e, receivedAt: Date.now() }));
    const media = testMedia();
    browser = await launchBrowser({ name: 'consent', y4m: media.astronautY4m });
  });

  after(async () => {
    listener?.close();
    await browser?.close();
    await t?.close();
    assert.deepEqual(liveChildProcesses('ffmpeg'), [], 'no decoder left');
  });

  it('analyses nobody before they accept, and stops when they withdraw', { timeout: 90_000 }, async (ctx) => {
    const page = await browser.newPage(t.meetingUrl(ROOM, { name: 'Patient' }));
    const notice = page.locator('#consent');
    await notice.waitFor({ state: 'visible', timeout: 15_000 });
    await page.locator('#consent-analysed', { hasText: /\S/ }).waitFor({ timeout: 10_000 });
    assert.match((await page.locator('#consent-analysed').textContent()) ?? '', /expression/i);
    assert.match((await page.locator('#consent-stored').textContent()) ?? '', /no video frame.*audio/i);
    assert.match((await page.locator('#consent-retention').textContent()) ?? '', /14 days/, 'the configured retention');
    assert.match((await page.locator('#consent-audience').textContent()) ?? '', /dashboard/i);
    await saveScreenshot(page, 'meeting-consent-notice');

    // The participant is in the room and publishing, but has not answered: nothing of theirs is analysed.
    const { peerId } = await until(async () => {
      const m = await meeting(page);
      return m.peerId && m.video ? m : null;
    }, 20_000, 'joined and publishing');
    await sleep(4_000);
    assert.equal(events.filter((e) => e.peerId === peerId).length, 0, 'no event before consent');
    assert.equal((await meeting(page)).consent.granted, null);

    await page.locator('#consent-accept').click();
    await until(async () => (await meeting(page)).consent.granted === true, 10_000, 'consent recorded');
    assert.equal(await notice.isVisible(), false, 'the notice closes');
    assert.equal(await page.locator('#consent-status').textContent(), 'Analysis on (you consented)');
    const first = await until(() => events.find((e) => e.peerId === peerId && e.faces.length > 0), 30_000, 'analysis after consent');
    ctx.diagnostic(`first event ${first.latencyMs} ms latency`);

    await page.locator('#consent-toggle', { hasText: 'Withdraw consent' }).click();
    await until(async () => (await meeting(page)).consent.granted === false, 10_000, 'withdrawal recorded');
    const withdrawnAt = Date.now();
    await sleep(3_000);
    // One analysis interval (200 ms at 5 fps) plus an event already on its way is all that may still arrive.
    const late = events.filter((e) => e.peerId === peerId && e.receivedAt > withdrawnAt + 1_000);
    assert.equal(late.length, 0, `events after withdrawal: ${late.length}`);
    assert.equal(await page.locator('#consent-status').textContent(), 'Analysis off');
    assert.equal(await page.locator('#consent-toggle').textContent(), 'Allow analysis…');
    await saveScreenshot(page, 'meeting-consent-withdrawn');
    await page.close();
  });

  it('a room whose purpose the policy refuses says so and offers nothing to accept', { timeout: 30_000 }, async () => {
    const admin = { authorization: `Bearer ${t.token('admin', 'office')}`, 'content-type': 'application/json' };
    const put = await fetch(`${t.baseUrl}/api/rooms/office`, { method: 'PUT', headers: admin, body: JSON.stringify({ purpose: 'workplace' }) });
    assert.equal(put.status, 200, await put.text());
    const page = await browser.newPage(t.meetingUrl('office', { name: 'Employee' }));
    await page.locator('#consent-refused').waitFor({ state: 'visible', timeout: 15_000 });
    assert.match((await page.locator('#consent-refused').textContent()) ?? '', /^No affect analysis happens in this room/);
    assert.equal(await page.locator('#consent-accept').isVisible(), false);
    assert.equal(await page.locator('#consent-terms').isVisible(), false, 'no terms of an analysis that will not happen');
    await saveScreenshot(page, 'meeting-consent-refused-purpose');
    await page.close();
  });
});
