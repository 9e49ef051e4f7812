// The container's network settings without a container: WebRTC listens on 0.0.0.0 and nothing is announced,
// as `docker compose up` runs it by default. Browsers must get loopback ICE candidates (never 0.0.0.0, which
// no browser can send to) and a publisher's camera must really reach the analyzer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import type { AffectEvent } from '../../src/contracts/affect.js';
import type { AffectServerToClientEvents } from '../../src/contracts/overlay.js';
import { acceptConsent, launchBrowser, liveChildProcesses, startTestApp, testMedia, until, type TestApp, type TestBrowser } from '../support/index.js';

const ROOM = 'wide';

describe('WebRTC listening on every address, as in the container', { timeout: 240_000 }, () => {
  let t: TestApp;
  let browser: TestBrowser;
  let listener: Socket<AffectServerToClientEvents> | undefined;
  const received: AffectEvent[] = [];
  const candidates: Array<{ address: string; protocol: string }> = [];

  before(async () => {
    t = await startTestApp({ config: { analyzer: { fps: 5 }, sfu: { listenIp: '0.0.0.0' } } });
    t.app.rooms.observer.on('newroom', (room) =>
      room.router.observer.on('newtransport', (transport) => {
        if ('iceCandidates' in transport) {
          for (const c of transport.iceCandidates as Array<{ address: string; protocol: string }>) candidates.push({ address: c.address, protocol: c.protocol });
        }
      }),
    );
    listener = connect(`${t.baseUrl}/affect`, { transports: ['websocket'], auth: { token: t.token('dashboard', ROOM) }, forceNew: true });
    listener.on('affect', (e) => received.push(e));
    browser = await launchBrowser({ name: 'wildcard-listen', y4m: testMedia().astronautY4m });
  });

  after(async () => {
    listener?.close();
    await browser?.close();
    await t?.close();
    assert.deepEqual(liveChildProcesses('ffmpeg'), [], 'no decoder left');
  });

  it('announces loopback and carries a browser\'s camera to the analyzer', async () => {
    assert.equal(t.config.sfu.listenIp, '0.0.0.0');
    const page = await browser.newPage(t.meetingUrl(ROOM, { name: 'Wide' }));
    await acceptConsent(page);
    await until(() => received.filter((e) => e.faces.length > 0).length >= 3, 90_000, 'analysed frames of the published camera');
    assert.ok(candidates.length >= 2, `ICE candidates offered (${candidates.length})`);
    assert.deepEqual([...new Set(candidates.map((c) => c.address))], ['127.0.0.1'], 'every candidate is the announced loopback address');
    assert.deepEqual([...new Set(candidates.map((c) => c.protocol))].sort(), ['tcp', 'udp']);
    assert.equal(received.find((e) => e.faces.length > 0)?.faces[0]?.expression?.label, 'happiness', 'the astronaut, smiling');
  });
});
