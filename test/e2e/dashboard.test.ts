// The dashboard in headless Chromium against a real App (SQLite recording, rules engine, REST, sockets), fed
// 8 Hz AffectEvents with known values through the hub: every face's timelines drawn by uPlot, an alert from
// a rule set in the page, a marker added in the page and found in the CSV it downloads, a reload mid-session
// that draws the recorded history and goes on live, and the overlay URL builder with its live preview.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { FaceAffect } from '../../src/contracts/affect.js';
import { analysed, face, joinParticipants, publishLive } from '../support/affectEvents.js';
import { launchBrowser, saveScreenshot, startTestApp, until, type TestApp, type TestBrowser } from '../support/index.js';

const ROOM = 'clinic';
interface DashboardDebug {
  connection: { affect: string; session: string };
  historyEvents: number | null;
  liveEvents: number;
}
type FaceSummary = Record<string, { peerId: string; name: string; points: number; inView: boolean }>;
const debugState = (page: Page) => page.evaluate(() => (globalThis as unknown as { affectcastDashboard: DashboardDebug }).affectcastDashboard);
const faces = (page: Page) => page.evaluate(() => (globalThis as unknown as { affectcastDashboard: { faces(): FaceSummary } }).affectcastDashboard.faces());

/** Pixels of one colour on a card's uPlot canvas: what uPlot actually drew, not what the page holds. */
function strokePixels(page: Page, selector: string, rgb: [number, number, number]): Promise<number> {
  // A string: the test transpiler would wrap a function's inner helpers in __name(), unknown in the page.
  return page.evaluate(`(() => {
    const canvas = document.querySelector(${JSON.stringify(selector)});
    if (!canvas) return -1;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - ${rgb[0]}) < 24 && Math.abs(data[i + 1] - ${rgb[1]}) < 24 && Math.abs(data[i + 2] - ${rgb[2]}) < 24 && data[i + 3] > 200) n++;
    }
    return n;
  })()`) as Promise<number>;
}

describe('dashboard', { timeout: 180_000 }, () => {
  let t: TestApp;
  let browser: TestBrowser;
  let live: { stop(): void } | undefined;
  const now: Record<string, FaceAffect[]> = {
    // Ana is sad: valence well below the alert rule's threshold.
    'peer-ana': [face({ top: 'sadness', p: 0.75, valence: -0.8, arousal: -0.2, au: 0.2 })],
    // Ben's camera sees two faces, both must get their own timelines.
    'peer-ben': [face({ faceId: 0, top: 'happiness', p: 0.9, valence: 0.7, arousal: 0.4, au: 0.6 }), face({ faceId: 1, box: [0.05, 0.1, 0.2, 0.3], top: 'neutral', p: 0.6, valence: 0.1, arousal: 0, au: null })],
  };
  const dashboardUrl = (token = t.token('dashboard', ROOM), room = ROOM) => `${t.baseUrl}/dashboard?room=${room}&token=${encodeURIComponent(token)}`;
  let page: Page;

  before(async () => {
    t = await startTestApp();
    joinParticipants(t.app, ROOM, { 'peer-ana': 'Ana', 'peer-ben': 'Ben' });
    // Cleo is in the room but never consented: listed, with no card and no events.
    t.app.hub.participantJoined(ROOM, { peerId: 'peer-cleo', displayName: 'Cleo' });
    browser = await launchBrowser({ name: 'dashboard' });
  });

  after(async () => {
    live?.stop();
    await browser?.close();
    await t?.close();
  });

  it('refuses the page without the right token: none, wrong room, expired, wrong role, revoked', { timeout: 30_000 }, async () => {
    const status = async (url: string) => {
      const r = await fetch(url);
      return { status: r.status, text: await r.text() };
    };
    const cases: Array<[string, string, number, RegExp]> = [
      ['no token', `${t.baseUrl}/dashboard?room=${ROOM}`, 401, /needs a valid, unexpired token/],
      ['wrong room', dashboardUrl(t.token('dashboard', 'elsewhere')), 403, /does not grant this page or room/],
      ['expired', dashboardUrl(t.token('dashboard', ROOM, -1000)), 401, /needs a valid, unexpired token/],
      ['wrong role', dashboardUrl(t.token('overlay', ROOM)), 403, /does not grant this page or room/],
    ];
    // Revoked: minted and revoked through the admin API, as a host would.
    const admin = { authorization: `Bearer ${t.token('admin', ROOM)}`, 'content-type': 'application/json' };
    const minted = (await (await fetch(`${t.baseUrl}/api/tokens`, { method: 'POST', headers: admin, body: JSON.stringify({ room: ROOM, role: 'dashboard', ttl: '1h' }) })).json()) as { id: string; token: string };
    assert.equal((await status(dashboardUrl(minted.token))).status, 200, 'the minted token works before it is revoked');
    // A page open with it is cut off when it is revoked.
    const open = await browser.newPage(dashboardUrl(minted.token));
    await until(async () => (await debugState(open)).connection.affect === 'live', 10_000, 'the page connected');
    assert.equal((await fetch(`${t.baseUrl}/api/tokens/${minted.id}`, { method: 'DELETE', headers: { authorization: admin.authorization } })).status, 204);
    await open.locator('#connection[data-state="refused"]').waitFor({ timeout: 10_000 });
    assert.equal(await open.locator('#side').isVisible(), false, 'the controls are gone with the grant');
    await open.close();
    cases.push(['revoked', dashboardUrl(minted.token), 401, /needs a valid, unexpired token/]);
    for (const [what, url, code, text] of cases) {
      const got = await status(url);
      assert.equal(got.status, code, what);
      assert.match(got.text, text, what);
    }
    // What a person sees in the browser for one of them.
    const refused = await browser.newPage(dashboardUrl(t.token('overlay', ROOM)));
    assert.match((await refused.locator('body').textContent()) ?? '', /does not grant this page or room/);
    await refused.close();
  });

  it("draws every face's timelines with uPlot, fires an alert from a rule, and exports a marker", { timeout: 60_000 }, async () => {
    page = await browser.newPage();
    await page.setViewportSize({ width: 1440, height: 1100 });
    await page.goto(dashboardUrl());
    await until(async () => (await debugState(page)).historyEvents !== null, 10_000, 'the history loaded');
    await page.locator('#session-start').click();
    await page.locator('#session-status', { hasText: /^recording session/ }).waitFor({ timeout: 5_000 });

    // A rule set in the page: valence below -0.5 for 1 s.
    await page.locator('#rules-editor summary').click();
    await page.locator('#rules').fill(JSON.stringify([{ id: 'low-valence', kind: 'valence-below', threshold: -0.5, forS: 1 }]));
    await page.locator('#rules-save').click();
    await page.locator('#rules-error', { hasText: 'saved' }).waitFor({ timeout: 5_000 });
    // A bad rule is refused before it is sent, naming the field.
    await page.locator('#rules').fill(JSON.stringify([{ id: 'x', kind: 'valence-below', threshold: -3, forS: 1 }]));
    await page.locator('#rules-save').click();
    await page.locator('#rules-error', { hasText: /0\.threshold/ }).waitFor({ timeout: 5_000 });

    analysed(t.app, ROOM, { 'peer-ana': 'Ana', 'peer-ben': 'Ben' });
    const t0 = Date.now();
    live = publishLive(t.app, ROOM, () => now, 8);
    await until(async () => Object.keys(await faces(page)).length === 3 && Object.values(await faces(page)).every((f) => f.points >= 10), 10_000, 'three faces with points');
    const summary = await faces(page);
    assert.deepEqual(Object.values(summary).map((f) => f.name).sort(), ['Ana', 'Ben', 'Ben']);
    for (const key of ['peer-ana-video:0', 'peer-ben-video:0', 'peer-ben-video:1']) assert.ok(summary[key], `a card for ${key}`);
    // Both participants' lines are on their uPlot canvases: Ana's valence (blue) and Ben's happiness (amber).
    await until(async () => (await strokePixels(page, 'section.card[data-peer-id="peer-ana"] [data-plot="va"] canvas', [0x2f, 0x6f, 0xdb])) > 50, 5_000, "Ana's valence line drawn");
    await until(async () => (await strokePixels(page, 'section.card[data-face-id="0"][data-peer-id="peer-ben"] [data-plot="expressions"] canvas', [0xf4, 0xa0, 0x00])) > 50, 5_000, "Ben's happiness line drawn");
    assert.equal(await page.locator('section.card[data-peer-id="peer-ben"][data-face-id="1"] .au-chips .note').textContent(), 'AUs unavailable');
    await page.locator('#people li[data-peer-id="peer-ana"][data-analysed="true"]').waitFor({ timeout: 5_000 });
    assert.equal(await page.locator('#people li[data-peer-id="peer-cleo"]').textContent(), 'Cleo not analysed');
    assert.equal(await page.locator('section.card[data-peer-id="peer-cleo"]').count(), 0);
    // The server stops analysing a live stream (its decoder kept failing): the list says why.
    t.app.hub.streamEnded(ROOM, { peerId: 'peer-cleo', producerId: 'peer-cleo-video', cause: 'failed', reason: 'the decoder failed 6 times within 60 s' });
    await page.locator('#people li[data-peer-id="peer-cleo"]', { hasText: 'Cleo not analysed: the decoder failed 6 times within 60 s' }).waitFor({ timeout: 5_000 });
    assert.equal(await page.locator('section.card[data-peer-id="peer-ben"][data-face-id="0"] .chip[data-active="true"]').count(), 8);

    // The alert: recorded by the server with its time, shown in the panel.
    const alert = page.locator('#alerts li[data-rule-id="low-valence"][data-peer-id="peer-ana"]');
    await alert.waitFor({ timeout: 10_000 });
    assert.match((await alert.textContent()) ?? '', /^\d\d:\d\d:\d\d .*valence/);
    assert.ok(Date.now() - t0 >= 1000, 'not before the rule held for 1 s');
    assert.equal(await page.locator('#alerts li[data-peer-id="peer-ben"]').count(), 0, "Ben's valence is fine");

    // A marker with a note that needs CSV quoting.
    await page.locator('#marker-label').fill('task 2 start');
    await page.locator('#marker-note').fill('Ana said "hard", then paused');
    await page.locator('#marker-add').click();
    await page.locator('#markers li', { hasText: 'task 2 start' }).waitFor({ timeout: 5_000 });
    assert.equal(await page.locator('#markers li').count(), 1, 'shown once (the POST answer and the push are the same marker)');
    await new Promise((r) => setTimeout(r, 1500)); // a little more recording after the marker
    await page.evaluate('window.scrollTo(0, 0)');
    await saveScreenshot(page, 'dashboard-two-participants');

    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15_000 }), page.locator('#export-csv').click()]);
    const file = await download.path();
    const csv = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.trim().split(/\r?\n/);
    assert.ok(lines.length > 20, `rows in the export: ${lines.length}`);
    const markerRow = lines.find((l) => l.includes('task 2 start'));
    assert.ok(markerRow, 'the marker is in the CSV');
    assert.ok(markerRow.includes('"Ana said ""hard"", then paused"'), `RFC 4180 quoting of the note: ${markerRow}`);
    assert.ok(lines.some((l) => l.includes('Ben')) && lines.some((l) => l.includes('Ana')), 'both participants are in it');
  });

  it('reloaded mid-session, it draws the session so far from the recording, then goes on live', { timeout: 40_000 }, async () => {
    const before = await faces(page);
    live?.stop();
    await new Promise((r) => setTimeout(r, 1500)); // the recorder's batch reaches the database
    await page.reload();
    await until(async () => (await debugState(page)).historyEvents !== null, 10_000, 'the history loaded');
    const state = await debugState(page);
    const after = await faces(page);
    assert.ok((state.historyEvents ?? 0) > 20, `recorded events drawn: ${state.historyEvents}`);
    for (const [key, f] of Object.entries(before)) {
      assert.ok(after[key], `${key} is back after the reload`);
      assert.ok(after[key]!.points >= f.points * 0.8, `${key}: ${after[key]!.points} points from the recording vs ${f.points} before`);
    }
    assert.equal(state.liveEvents, 0, 'drawn from the recording, before any live event');
    await page.locator('#markers li', { hasText: 'task 2 start' }).waitFor({ timeout: 5_000 });
    await page.locator('#alerts li[data-rule-id="low-valence"]').waitFor({ timeout: 5_000 });
    await page.locator('#session-status', { hasText: /^recording session/ }).waitFor({ timeout: 5_000 });
    live = publishLive(t.app, ROOM, () => now, 8);
    const ana = after['peer-ana-video:0']!.points;
    await until(async () => ((await faces(page))['peer-ana-video:0']?.points ?? 0) > ana + 5, 10_000, 'live points after the history');
    await page.evaluate('window.scrollTo(0, 0)');
    await saveScreenshot(page, 'dashboard-after-reload');
  });

  it('builds an overlay URL with its own token and previews it live', { timeout: 40_000 }, async () => {
    await page.locator('#overlay-widgets input[data-widget="bars"]').uncheck();
    await page.locator('#overlay-widgets input[data-widget="circumplex"]').check();
    await page.locator('#overlay-participant').fill('Ana');
    await page.locator('#overlay-participant').dispatchEvent('change');
    await page.locator('#overlay-theme').selectOption('light');
    await page.locator('#overlay-mint').click();
    await until(async () => (await page.locator('#overlay-url').inputValue()).includes('token='), 10_000, 'an overlay URL');
    const url = new URL(await page.locator('#overlay-url').inputValue());
    assert.equal(url.pathname, '/overlay');
    assert.equal(url.searchParams.get('room'), ROOM);
    assert.equal(url.searchParams.get('widgets'), 'top,circumplex');
    assert.equal(url.searchParams.get('participant'), 'Ana');
    assert.equal(url.searchParams.get('theme'), 'light');
    const token = url.searchParams.get('token') ?? '';
    assert.equal(t.app.tokens.verify(token, ['overlay'], ROOM).role, 'overlay', 'an overlay token, not the dashboard one');
    // Copy puts exactly that URL on the clipboard, ready to paste into OBS.
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.baseUrl });
    await page.locator('#overlay-copy').click();
    await page.locator('#overlay-copy', { hasText: 'Copied' }).waitFor({ timeout: 5_000 });
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), url.toString());
    const preview = page.frameLocator('#overlay-preview');
    await preview.locator('section.stream[data-peer-id="peer-ana"] .circumplex .caption', { hasText: /valence −0\.80/ }).waitFor({ timeout: 10_000 });
    assert.equal(await preview.locator('section.stream').count(), 1, 'only Ana, as asked');
    await page.locator('#overlay-preview').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'dashboard-overlay-builder');
  });

  it('stops the session: recording ends, markers are refused, the export stays', { timeout: 20_000 }, async () => {
    await page.locator('#session-stop').click();
    await page.locator('#session-status', { hasText: /^session \S+ ended at \d\d:\d\d:\d\d$/ }).waitFor({ timeout: 5_000 });
    assert.equal(await page.locator('#marker-add').isDisabled(), true, 'no marker outside a recording');
    assert.equal(await page.locator('#session-stop').isDisabled(), true);
    const href = await page.locator('#export-csv').getAttribute('href');
    assert.ok(href, 'the ended session can still be downloaded');
    const csv = await (await fetch(new URL(href, t.baseUrl))).text();
    assert.ok(csv.includes('task 2 start'));
  });

  it('says so when the room\'s purpose is refused by the policy', { timeout: 20_000 }, async () => {
    const admin = { authorization: `Bearer ${t.token('admin', 'office')}`, 'content-type': 'application/json' };
    const put = await fetch(`${t.baseUrl}/api/rooms/office`, { method: 'PUT', headers: admin, body: JSON.stringify({ purpose: 'workplace' }) });
    assert.equal(put.status, 200, await put.text());
    const office = await browser.newPage(dashboardUrl(t.token('dashboard', 'office'), 'office'));
    await office.locator('#purpose', { hasText: 'purpose: workplace' }).waitFor({ timeout: 10_000 });
    assert.match((await office.locator('#page-error').textContent()) ?? '', /^Nothing in this room is analysed or recorded: /);
    await office.close();
  });
});
