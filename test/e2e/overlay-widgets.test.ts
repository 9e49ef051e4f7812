// The overlay's URL-chosen widgets in headless Chromium, fed 8 Hz AffectEvents through the hub with known
// values: two widget sets (screenshots in test-results/), display-rate animation between events, "unavailable"
// for null values (never the last number), the state drawn at once after a reload, and a bad URL refused
// with a message that names the parameter.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { FaceAffect } from '../../src/contracts/affect.js';
import { face, joinParticipants, publishLive } from '../support/affectEvents.js';
import { launchBrowser, saveScreenshot, startTestApp, until, type TestApp, type TestBrowser } from '../support/index.js';

const ROOM = 'stage';
interface OverlayDebug {
  connection: string;
  events: number;
  frames: number;
  firstRenderFrom: string | null;
  problems: string[];
}
const debugState = (page: Page) => page.evaluate(() => (globalThis as unknown as { affectcastOverlay: OverlayDebug }).affectcastOverlay);
/** The shown width of an expression bar, 0..1, read from the transform the animation writes. */
const barScale = (page: Page, peerId: string, expression: string) =>
  page.locator(`section.stream[data-peer-id="${peerId}"] [data-expression="${expression}"] .bar`).evaluate((el) => {
    const m = /scaleX\(([-0-9.e]+)\)/.exec((el as unknown as { style: { transform: string } }).style.transform);
    return m ? Number(m[1]) : NaN;
  });

describe('overlay widgets', { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: TestBrowser;
  let live: { stop(): void };
  // What each participant's analyzer "sees"; tests change it and the next tick publishes it.
  const now: Record<string, FaceAffect[]> = {
    'peer-ana': [face({ top: 'happiness', p: 0.8, valence: 0.6, arousal: 0.3, au: 0.7 })],
    // Ben's camera also sees a smaller face in the background: the overlay shows the largest unless asked.
    'peer-ben': [face({ top: 'surprise', p: 0.55, valence: null, arousal: null, au: null }), face({ faceId: 3, box: [0.8, 0.1, 0.1, 0.15], top: 'anger', p: 0.6 })],
  };
  const url = (query: string, token = t.token('overlay', ROOM)) => `${t.baseUrl}/overlay?room=${ROOM}&token=${encodeURIComponent(token)}${query ? `&${query}` : ''}`;

  before(async () => {
    t = await startTestApp();
    joinParticipants(t.app, ROOM, { 'peer-ana': 'Ana', 'peer-ben': 'Ben' });
    live = publishLive(t.app, ROOM, () => now, 8);
    browser = await launchBrowser({ name: 'overlay-widgets' });
  });

  after(async () => {
    live?.stop();
    await browser?.close();
    await t?.close();
  });

  it('shows every widget with the values published, and "unavailable" for null ones', { timeout: 30_000 }, async () => {
    const page = await browser.newPage(url('widgets=top,bars,circumplex,aus'));
    const ana = page.locator('section.stream[data-peer-id="peer-ana"]');
    const ben = page.locator('section.stream[data-peer-id="peer-ben"]');
    await ana.locator('[data-widget="top"]', { hasText: /Happiness\s*80%/ }).waitFor({ timeout: 10_000 });
    assert.equal(await ana.locator('.name').textContent(), 'Ana');
    await until(async () => Math.abs((await barScale(page, 'peer-ana', 'happiness')) - 0.8) < 0.01, 5_000, 'the happiness bar at 80 %');
    assert.match((await ana.locator('.circumplex .caption').textContent()) ?? '', /^valence \+0\.60 · arousal \+0\.30 \(estimated\)$/);
    // The dot sits at valence 0.6 (80 % from the left), arousal 0.3 (35 % from the top).
    const dot = await ana.locator('.dot').evaluate((el) => ({ left: (el as unknown as { style: { left: string } }).style.left, top: (el as unknown as { style: { top: string } }).style.top }));
    assert.ok(Math.abs(parseFloat(dot.left) - 80) < 0.5 && Math.abs(parseFloat(dot.top) - 35) < 0.5, JSON.stringify(dot));
    assert.equal(await ana.locator('.chip[data-active="true"]').count(), 8, 'every AU at 0.7 is active');
    assert.equal(await ana.locator('.chip[data-au="AU12"] .value').textContent(), '70%');

    await ben.locator('[data-widget="top"]', { hasText: /Surprise\s*55%/ }).waitFor({ timeout: 5_000 });
    assert.equal(await ben.locator('.circumplex .caption').textContent(), 'valence/arousal unavailable');
    assert.equal(await ben.locator('.dot').isVisible(), false);
    assert.equal(await ben.locator('.aus .note').textContent(), 'AUs unavailable');
    assert.equal(await ben.locator('.chip:visible').count(), 0, 'no AU number shown for a null head');
    assert.equal(await page.locator('body').evaluate((b) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(b).backgroundColor), 'rgba(0, 0, 0, 0)', 'transparent for OBS');
    await saveScreenshot(page, 'overlay-widgets-all-dark');

    // A head that becomes unavailable shows so at once: no stale number lingers.
    now['peer-ana'] = [face({ top: 'happiness', p: 0.8, valence: null, arousal: null, au: null })];
    await ana.locator('.circumplex .caption', { hasText: 'valence/arousal unavailable' }).waitFor({ timeout: 2_000 });
    assert.equal(await ana.locator('.chip:visible').count(), 0);
    now['peer-ana'] = [face({ top: 'happiness', p: 0.8, valence: 0.6, arousal: 0.3, au: 0.7 })];
    await page.close();
  });

  it('a second widget set: one participant by name, light theme, bottom right, scaled', { timeout: 30_000 }, async () => {
    const page = await browser.newPage(url('widgets=circumplex,aus&participant=ben&theme=light&position=bottom-right&scale=1.5&font=DejaVu%20Sans'));
    const ben = page.locator('section.stream[data-peer-id="peer-ben"]');
    await ben.locator('.circumplex .caption').waitFor({ timeout: 10_000 });
    await until(async () => (await debugState(page)).events > 3, 5_000, 'events arriving');
    assert.equal(await page.locator('section.stream').count(), 1, 'only Ben is shown');
    assert.equal(await ben.locator('[data-widget="bars"]').count(), 0, 'no bars were asked for');
    assert.equal(await ben.locator('[data-widget="top"]').count(), 0);
    const look = await page.evaluate(() => {
      const g = globalThis as unknown as { document: { body: { dataset: Record<string, string>; style: { fontFamily: string } }; getElementById(id: string): unknown }; getComputedStyle(e: unknown): { transform: string; right: string; bottom: string } };
      const streams = g.getComputedStyle(g.document.getElementById('streams'));
      return { theme: g.document.body.dataset.theme, font: g.document.body.style.fontFamily, transform: streams.transform, right: streams.right, bottom: streams.bottom };
    });
    assert.equal(look.theme, 'light');
    assert.match(look.font, /DejaVu Sans/);
    assert.equal(look.transform, 'matrix(1.5, 0, 0, 1.5, 0, 0)');
    assert.deepEqual([look.right, look.bottom], ['0px', '0px']);
    // Ana joins the filter's view the moment her name is asked for: here she is not.
    assert.equal(await page.locator('section.stream[data-peer-id="peer-ana"]').count(), 0);
    await saveScreenshot(page, 'overlay-widgets-ben-light');
    await page.close();
  });

  it('animates between events at display rate and restores the state at once after a reload', { timeout: 30_000 }, async () => {
    const page = await browser.newPage(url('widgets=bars'));
    await until(async () => Math.abs((await barScale(page, 'peer-ana', 'happiness')) - 0.8) < 0.01, 10_000, 'the bar at 80 %');
    // One step from 0.8 to 0.2: the bar must glide through intermediate widths over several frames.
    now['peer-ana'] = [face({ top: 'happiness', p: 0.2, valence: 0.6, arousal: 0.3, au: 0.7 })];
    // A string, not a function: the test runner's transpiler would wrap a function's inner helpers in __name().
    const seen = (await page.evaluate(`new Promise((resolve) => {
      const values = [];
      const t0 = Date.now();
      const bar = document.querySelector('section.stream[data-peer-id="peer-ana"] [data-expression="happiness"] .bar');
      const sample = () => {
        const m = /scaleX\\(([-0-9.e]+)\\)/.exec(bar ? bar.style.transform : '');
        if (m) values.push(Number(m[1]));
        if (Date.now() - t0 < 1500) requestAnimationFrame(sample);
        else resolve(values);
      };
      requestAnimationFrame(sample);
    })`)) as number[];
    const between = new Set(seen.filter((v) => v < 0.79 && v > 0.21).map((v) => v.toFixed(3)));
    assert.ok(between.size >= 4, `intermediate widths drawn: ${[...between].join(' ')}`);
    assert.ok(Math.abs(seen.at(-1)! - 0.2) < 0.01, `ends at 0.2, saw ${seen.at(-1)}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! <= seen[i - 1]! + 1e-9, 'never overshoots back up');

    // Events stop (the analyzer is between frames); a reload draws the room state with no animation from zero.
    live.stop();
    await page.reload();
    await page.locator('section.stream[data-peer-id="peer-ana"] [data-expression="happiness"] .value', { hasText: '20%' }).waitFor({ timeout: 5_000 });
    const state = await debugState(page);
    assert.equal(state.firstRenderFrom, 'roomState');
    assert.equal(state.events, 0, 'drawn before any live event');
    assert.ok(Math.abs((await barScale(page, 'peer-ana', 'happiness')) - 0.2) < 1e-6, 'at its value at once');
    live = publishLive(t.app, ROOM, () => now, 8);
    await page.close();
  });

  it('refuses a bad URL parameter with a message naming it', { timeout: 20_000 }, async () => {
    const page = await browser.newPage(url('widgets=bars,sparkles&scale=9&colour=red'));
    const box = page.locator('#problems');
    await box.waitFor({ timeout: 5_000 });
    const text = (await box.textContent()) ?? '';
    assert.match(text, /"widgets" = "bars,sparkles": use bars, top, circumplex, aus/);
    assert.match(text, /"scale" = "9": at most 4/);
    assert.match(text, /"colour" is not an overlay parameter/);
    assert.equal(await page.locator('section.stream').count(), 0);
    assert.equal((await debugState(page)).connection, 'connecting', 'it did not connect to show something else');
    await saveScreenshot(page, 'overlay-bad-parameters');
    await page.close();
  });

  it('faces=all shows every face of a stream, each with its own card', { timeout: 20_000 }, async () => {
    const page = await browser.newPage(url('widgets=top&faces=all&participant=Ben'));
    await until(async () => (await page.locator('section.stream').count()) === 2, 10_000, "both of Ben's faces");
    assert.deepEqual(await page.locator('section.stream .name').allTextContents(), ['Ben · face 0', 'Ben · face 3']);
    assert.match((await page.locator('section.stream[data-face-id="3"] [data-widget="top"]').textContent()) ?? '', /^Anger\s*60%$/);
    await page.close();
  });

  it('refuses the page without the right token, and cuts off an open page whose token is revoked', { timeout: 30_000 }, async () => {
    const status = async (u: string) => (await fetch(u)).status;
    assert.equal(await status(`${t.baseUrl}/overlay?room=${ROOM}`), 401, 'no token');
    assert.equal(await status(url('', t.token('overlay', 'elsewhere'))), 403, 'wrong room');
    assert.equal(await status(url('', t.token('overlay', ROOM, -1000))), 401, 'expired');
    assert.equal(await status(url('', t.token('meeting', ROOM))), 403, 'wrong role');
    const admin = { authorization: `Bearer ${t.token('admin', ROOM)}`, 'content-type': 'application/json' };
    const minted = (await (await fetch(`${t.baseUrl}/api/tokens`, { method: 'POST', headers: admin, body: JSON.stringify({ room: ROOM, role: 'overlay', ttl: '1h', label: 'OBS' }) })).json()) as { id: string; token: string };
    const page = await browser.newPage(url('widgets=top', minted.token));
    await page.locator('section.stream[data-peer-id="peer-ana"]').waitFor({ timeout: 10_000 });
    assert.equal((await fetch(`${t.baseUrl}/api/tokens/${minted.id}`, { method: 'DELETE', headers: { authorization: admin.authorization } })).status, 204);
    await page.locator('#connection[data-state="refused"]').waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('section.stream').count(), 0, 'nothing stays on air');
    assert.equal(await status(url('', minted.token)), 401, 'revoked');
    await saveScreenshot(page, 'overlay-revoked');
    await page.close();
  });
});
