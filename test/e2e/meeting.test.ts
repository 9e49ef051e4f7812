// Two headless Chromium participants with different fake cameras (astronaut, Grace Hopper) join one room on
// the meeting page; each must decode the other's video (frames presented, and the picture's mean colour is
// the other's source, not its own, not black). Then one leaves and one closes its page: nothing of theirs may
// remain on the server. A refused token shows a clear error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { MeetingPageState, MeetingWindow } from '../../src/web/meeting/pageState.js';
import type { Transport as MediasoupTransport } from 'mediasoup/types';
import type { Peer } from '../../src/sfu/Peer.js';
import type { Room } from '../../src/sfu/Room.js';
import {
  launchBrowser,
  liveChildProcesses,
  zombieChildren,
  referenceMeanRgb,
  rgbDistance,
  saveScreenshot,
  startTestApp,
  testMedia,
  until,
  type Rgb,
  type TestApp,
  type TestBrowser,
} from '../support/index.js';

type PageState = Omit<MeetingPageState, 'probe' | 'leave' | 'join' | 'setCamera'>;

const state = (page: Page): Promise<PageState> =>
  page.evaluate(() => {
    const { probe: _p, leave: _l, join: _j, setCamera: _c, ...rest } = (globalThis as unknown as MeetingWindow).affectcastMeeting;
    return JSON.parse(JSON.stringify(rest)) as PageState;
  });

const probe = (page: Page, peerId: string) => page.evaluate((id) => (globalThis as unknown as MeetingWindow).affectcastMeeting.probe(id), peerId);

/** Waits until the page shows `peerId`'s video with at least `frames` frames presented. */
async function waitForRemoteVideo(page: Page, peerId: string, frames = 10): Promise<void> {
  await until(
    async () => {
      const s = await state(page);
      if (s.lastError && s.lastError.code !== 'DEVICES_UNAVAILABLE') throw new Error(`page error ${s.lastError.code}: ${s.lastError.message}`);
      const remote = s.remote[peerId];
      return remote && remote.frames >= frames && remote.width > 0;
    },
    15_000,
    `${frames} frames of ${peerId} presented`,
  );
}

describe('meeting page', () => {
  let t: TestApp;
  const browsers: TestBrowser[] = [];
  let refs: { astronaut: Rgb; hopper: Rgb };
  const transports = new Map<string, MediasoupTransport>();
  /** Ids of the router's transports that belong to `peer` (WebRTC) or tap one of its producers. */
  const ownedBy = (peer: Peer, ids: string[]) =>
    ids.filter((id) => {
      const appData = transports.get(id)?.appData ?? {};
      return appData.peerId === peer.id || (appData.tap === true && peer.producers.has(String(appData.producerId)));
    });

  before(async () => {
    const media = testMedia();
    refs = { astronaut: referenceMeanRgb(media.astronautY4m, 160, 120), hopper: referenceMeanRgb(media.graceHopperY4m, 160, 120) };
    // The test can only tell the two apart if their sources differ clearly.
    assert.ok(rgbDistance(refs.astronaut, refs.hopper) > 20, `sources too similar: ${refs.astronaut} / ${refs.hopper}`);
    t = await startTestApp();
    // Every transport of every router, to tell what remains after a peer goes (the App's analyzer taps each
    // producer through a PlainTransport of its own, appData.tap).
    t.app.rooms.observer.on('newroom', (room) => room.router.observer.on('newtransport', (x) => transports.set(x.id, x)));
  });

  after(async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await t?.close();
    assert.deepEqual(liveChildProcesses('ffmpeg'), [], 'no decoder left after the app closed');
    assert.deepEqual(liveChildProcesses('mediasoup-worke'), [], 'no mediasoup worker left after the app closed');
    assert.deepEqual(zombieChildren(), [], 'no zombie left');
  });

  it('two participants see and decode each other, and leave no trace when they go', async (ctx) => {
    const media = testMedia();
    const [astro, hopper] = await Promise.all([
      launchBrowser({ name: 'astronaut', y4m: media.astronautY4m, wav: media.speechWav }),
      launchBrowser({ name: 'hopper', y4m: media.graceHopperY4m, wav: media.speechWav }),
    ]);
    browsers.push(astro, hopper);
    let pageA: Page | undefined;
    let pageB: Page | undefined;
    try {
      const t0 = Date.now();
      [pageA, pageB] = await Promise.all([
        astro.newPage(t.meetingUrl('duo', { name: 'Astronaut' })),
        hopper.newPage(t.meetingUrl('duo', { name: 'Hopper' })),
      ]);
      const a = await until(async () => (await state(pageA!)).peerId, 10_000, 'astronaut joined');
      const b = await until(async () => (await state(pageB!)).peerId, 10_000, 'hopper joined');
      await Promise.all([waitForRemoteVideo(pageA, b), waitForRemoteVideo(pageB, a)]);
      ctx.diagnostic(`both pages decoding each other (10 frames) ${Date.now() - t0} ms after goto`);
      ctx.diagnostic(`page marks (ms since navigation): A ${JSON.stringify((await state(pageA)).marks)} B ${JSON.stringify((await state(pageB)).marks)}`);

      const sa = await state(pageA);
      assert.equal(sa.remote[b]?.displayName, 'Hopper');
      assert.equal(sa.remote[b]?.audio, true, 'audio consumed too');
      assert.ok(sa.publishing.video && sa.publishing.audio);
      const seenByA = await probe(pageA, b);
      const seenByB = await probe(pageB, a);
      assert.ok(seenByA && seenByB);
      ctx.diagnostic(`A sees ${seenByA.width}x${seenByA.height} mean ${seenByA.meanRgb.map(Math.round)}; B sees mean ${seenByB.meanRgb.map(Math.round)}`);
      for (const [seen, expected, other] of [
        [seenByA, refs.hopper, refs.astronaut],
        [seenByB, refs.astronaut, refs.hopper],
      ] as const) {
        assert.ok(seen.nonBlack > 0.8, `non-black share ${seen.nonBlack}`);
        assert.ok(rgbDistance(seen.meanRgb, expected) < 12, `mean ${seen.meanRgb} vs the other's source ${expected}`);
        assert.ok(rgbDistance(seen.meanRgb, other) > rgbDistance(seen.meanRgb, expected) + 10, 'closer to the other than to itself');
      }
      await saveScreenshot(pageA, 'meeting-astronaut-sees-hopper');
      await saveScreenshot(pageB, 'meeting-hopper-sees-astronaut');

      // Server side: one room, two peers, each with 2 producers and 2 consumers on 2 transports.
      const room = t.app.rooms.get('duo') as Room;
      assert.equal(room.peers.size, 2);
      const peerA = room.peers.get(a);
      const peerB = room.peers.get(b);
      assert.ok(peerA && peerB);
      for (const peer of [peerA, peerB]) {
        assert.equal(peer.transports.size, 2);
        assert.equal(peer.producers.size, 2);
        assert.equal(peer.consumers.size, 2);
      }

      // (c) A leaves: its transports, producers and B's consumers of them close; B's page drops A's tile.
      const aTransports = [...peerA.transports.values()];
      const aProducers = [...peerA.producers.values()];
      const bConsumersOfA = [...peerB.consumers.values()];
      await pageA.evaluate(() => (globalThis as unknown as MeetingWindow).affectcastMeeting.leave());
      await until(() => peerA.closed, 5_000, 'A closed on the server');
      assert.ok(aTransports.every((x) => x.closed) && aProducers.every((x) => x.closed), 'A\'s transports and producers closed');
      // Consumers of a closed producer are closed by the worker's notification: a moment later.
      await until(() => bConsumersOfA.every((x) => x.closed) && peerB.consumers.size === 0, 3_000, 'B\'s consumers of A closed');
      await until(async () => Object.keys((await state(pageB!)).remote).length === 0, 5_000, 'B drops A\'s tile');
      assert.equal((await state(pageA)).status, 'left');
      await until(async () => {
        const left = (await room.router.dump()).transportIds;
        return aTransports.every((x) => !left.includes(x.id)) && ownedBy(peerB, left).length === left.length;
      }, 3_000, 'only B\'s transports (and taps of B) remain in the router');

      // A comes back, then B closes its page: same cleanup through the socket's disconnect.
      await pageA.evaluate(() => (globalThis as unknown as MeetingWindow).affectcastMeeting.join());
      const a2 = await until(async () => (await state(pageA!)).peerId, 10_000, 'A rejoined');
      await waitForRemoteVideo(pageB, a2, 3);
      const bTransports = [...peerB.transports.values()];
      await pageB.close();
      await until(() => peerB.closed, 5_000, 'B closed after its page closed');
      assert.ok(bTransports.every((x) => x.closed));
      await until(async () => Object.keys((await state(pageA!)).remote).length === 0, 5_000, 'A drops B\'s tile');
      const peerA2 = room.peers.get(a2);
      assert.ok(peerA2);
      await until(async () => {
        const left = (await room.router.dump()).transportIds;
        return peerA2.consumers.size === 0 && bTransports.every((x) => !left.includes(x.id)) && ownedBy(peerA2, left).length === left.length;
      }, 3_000, 'only A\'s transports (and taps of A) remain in the router');

      // The last one leaves: the room closes.
      await pageA.close();
      await until(() => room.closed, 5_000, 'the room closes with its last peer');
      assert.equal(t.app.rooms.size, 0);
      // The page runs under its CSP (script-src/style-src 'self'): nothing was refused, nothing threw.
      for (const b of [astro, hopper]) {
        assert.deepEqual(b.log.filter((line) => /Content Security Policy|Refused to|pageerror/.test(line)), [], `${b.name} page log`);
      }
    } catch (error) {
      for (const [page, name] of [
        [pageA, 'meeting-failure-astronaut'],
        [pageB, 'meeting-failure-hopper'],
      ] as const) {
        if (page && !page.isClosed()) await saveScreenshot(page, name);
      }
      astro.saveLog('meeting-astronaut');
      hopper.saveLog('meeting-hopper');
      throw error;
    }
  });

  it('shows a clear error when the socket refuses the token', async () => {
    // The page itself is only served with a valid token, so serve its HTML under URLs whose token the socket
    // then refuses: an expired one, and a valid one for another room. Chromium's local network access checks
    // would block the socket of a page that did not come from the network: off for this browser only.
    const browser = await launchBrowser({ name: 'refused', disableFeatures: ['LocalNetworkAccessChecks'] });
    browsers.push(browser);
    const html = await (await fetch(t.meetingUrl('guarded'))).text();
    const page = await browser.newPage();
    await page.route(/\/room\/guarded\?/, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
    const cases = [
      { token: t.token('meeting', 'guarded', -60_000), code: 'UNAUTHORIZED', text: /invalid or has expired/ },
      { token: t.token('meeting', 'elsewhere'), code: 'FORBIDDEN', text: /does not grant access to this room/ },
    ];
    for (const c of cases) {
      await page.goto(`${t.baseUrl}/room/guarded?token=${encodeURIComponent(c.token)}`);
      const s = await until(async () => {
        const current = await state(page);
        return current.status === 'refused' ? current : undefined;
      }, 10_000, `refusal ${c.code}`);
      assert.equal(s.lastError?.code, c.code);
      assert.equal(s.joined, false);
      const shown = await page.locator('#error').textContent();
      assert.ok(await page.locator('#error').isVisible());
      assert.match(shown ?? '', c.text);
    }
    await saveScreenshot(page, 'meeting-refused');
    assert.equal(t.app.rooms.size, 0, 'a refused client creates no room');
  });
});
