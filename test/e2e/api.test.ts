// The REST API and the /session and /affect namespaces of a real App (SQLite, fastify, socket.io): every
// refusal path (no token, wrong room, expired, wrong role, revoked) at the HTTP and the socket level, revoked
// tokens cut open sockets off, other origins are refused, security headers, per-IP limits, and bad input
// answered 400 with the catalogue's code and the field's name, changing nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io as connect, type Socket } from 'socket.io-client';
import { affectEvent, analysed, face, joinParticipants } from '../support/affectEvents.js';
import { startTestApp, until, type TestApp } from '../support/index.js';

const ROOM = 'lab';

interface Reply {
  status: number;
  body: { code?: string; message?: string } & Record<string, unknown>;
  headers: Headers;
}

async function call(t: TestApp, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${t.baseUrl}${path}`, { method, headers, body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body) });
  const text = await r.text();
  let body: Reply['body'] = {};
  try {
    body = text ? (JSON.parse(text) as Reply['body']) : {};
  } catch {
    body = { text };
  }
  return { status: r.status, body, headers: r.headers };
}

function socketOutcome(t: TestApp, namespace: string, auth: Record<string, unknown>, extraHeaders?: Record<string, string>): Promise<string> {
  const socket = connect(`${t.baseUrl}${namespace}`, { transports: ['websocket'], auth, reconnection: false, forceNew: true, extraHeaders });
  return new Promise<string>((resolve) => {
    socket.on('connect', () => resolve('connected'));
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => resolve(error.data?.code ?? error.message));
  }).finally(() => socket.close());
}

describe('REST API and sockets: roles, refusals, bad input', { timeout: 120_000 }, () => {
  let t: TestApp;
  const sockets: Socket[] = [];

  before(async () => {
    t = await startTestApp({ config: { server: { tokenFailuresPerMinute: 10_000, allowedOrigins: ['https://studio.example'] } } });
    joinParticipants(t.app, ROOM, { 'peer-a': 'Ana' });
    analysed(t.app, ROOM, { 'peer-a': 'Ana' });
    for (let i = 0; i < 5; i++) t.app.hub.publish(affectEvent(ROOM, 'peer-a', [face({ valence: -0.2 })], Date.now() + i));
  });

  after(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  it('every room route refuses: no token 401, wrong room 403, expired 401, wrong role 403, revoked 401', async () => {
    const revoked = t.app.minter.mint(ROOM, 'dashboard', 3_600_000);
    assert.equal((await call(t, 'DELETE', `/api/tokens/${revoked.id}`, { token: t.token('admin', ROOM) })).status, 204);
    const routes: Array<[string, string, unknown?]> = [
      ['GET', `/api/rooms/${ROOM}/sessions`],
      ['GET', `/api/rooms/${ROOM}/events?format=csv`],
      ['GET', `/api/rooms/${ROOM}/history`],
      ['GET', `/api/rooms/${ROOM}/alerts`],
      ['GET', `/api/rooms/${ROOM}/rules`],
      ['PUT', `/api/rooms/${ROOM}/rules`, []],
      ['POST', `/api/rooms/${ROOM}/markers`, { label: 'x' }],
      ['POST', `/api/rooms/${ROOM}/sessions/start`],
      ['POST', `/api/rooms/${ROOM}/sessions/stop`],
      ['POST', `/api/rooms/${ROOM}/overlay-token`, {}],
    ];
    const cases: Array<[string, string | undefined, number, string]> = [
      ['no token', undefined, 401, 'UNAUTHORIZED'],
      ['wrong room', t.token('dashboard', 'other'), 403, 'FORBIDDEN'],
      ['expired', t.token('dashboard', ROOM, -1_000), 401, 'UNAUTHORIZED'],
      ['wrong role', t.token('overlay', ROOM), 403, 'FORBIDDEN'],
      ['publish role', t.token('publish', ROOM), 403, 'FORBIDDEN'],
      ['revoked', revoked.token, 401, 'UNAUTHORIZED'],
      ['forged', `${t.token('dashboard', ROOM).slice(0, -4)}AAAA`, 401, 'UNAUTHORIZED'],
    ];
    for (const [method, path, body] of routes) {
      for (const [name, token, status, code] of cases) {
        const r = await call(t, method, path, { token, body });
        assert.equal(r.status, status, `${method} ${path} with ${name}`);
        assert.equal(r.body.code, code, `${method} ${path} with ${name}`);
      }
    }
    assert.equal((await call(t, 'GET', `/api/rooms/${ROOM}/sessions`, { token: t.token('dashboard', ROOM) })).status, 200);
    assert.equal((await call(t, 'GET', `/api/rooms/${ROOM}/sessions`, { token: t.token('admin', ROOM) })).status, 200);
    // Download links carry the token in the query.
    const q = await fetch(`${t.baseUrl}/api/rooms/${ROOM}/sessions?token=${encodeURIComponent(t.token('dashboard', ROOM))}`);
    assert.equal(q.status, 200);
  });

  it('admin routes need an admin token of the room; an admin mints and revokes only its own room', async () => {
    const admin = t.token('admin', ROOM);
    for (const [name, token, status] of [
      ['no token', undefined, 401],
      ['dashboard', t.token('dashboard', ROOM), 403],
      ['expired admin', t.token('admin', ROOM, -1000), 401],
    ] as const) {
      assert.equal((await call(t, 'POST', '/api/tokens', { token, body: { room: ROOM, role: 'overlay' } })).status, status, name);
      assert.equal((await call(t, 'PUT', `/api/rooms/${ROOM}`, { token, body: { purpose: 'research' } })).status, status, name);
    }
    const other = await call(t, 'POST', '/api/tokens', { token: admin, body: { room: 'other', role: 'overlay' } });
    assert.equal(other.status, 403);
    const minted = await call(t, 'POST', '/api/tokens', { token: admin, body: { room: ROOM, role: 'overlay', ttl: '2h', label: 'OBS' } });
    assert.equal(minted.status, 201);
    assert.match(String(minted.body.url), new RegExp(`^${t.baseUrl}/overlay\\?room=${ROOM}&token=`));
    const expires = Date.parse(String(minted.body.expiresAt));
    assert.ok(Math.abs(expires - (Date.now() + 2 * 3_600_000)) < 5_000);
    const list = await call(t, 'GET', `/api/tokens?room=${ROOM}`, { token: admin });
    assert.ok((list.body.tokens as Array<{ id: string; label: string }>).some((x) => x.id === minted.body.id && x.label === 'OBS'));
    const foreign = t.app.minter.mint('other', 'overlay', 60_000);
    assert.equal((await call(t, 'DELETE', `/api/tokens/${foreign.id}`, { token: admin })).status, 403);
    assert.equal((await call(t, 'DELETE', '/api/tokens/unknownid123', { token: admin })).body.code, 'NOT_FOUND');
  });

  it('sockets refuse: no token, wrong room (/sfu), expired, wrong role, revoked; revoking cuts an open socket off', async () => {
    const revoked = t.app.minter.mint(ROOM, 'dashboard', 3_600_000);
    t.app.recording.store.revokeToken(revoked.id);
    const expect: Array<[string, Record<string, unknown>, string]> = [
      ['/session', {}, 'UNAUTHORIZED'],
      ['/session', { token: t.token('dashboard', ROOM, -1000) }, 'UNAUTHORIZED'],
      ['/session', { token: t.token('overlay', ROOM) }, 'FORBIDDEN'],
      ['/session', { token: revoked.token }, 'UNAUTHORIZED'],
      ['/session', { token: t.token('dashboard', ROOM) }, 'connected'],
      ['/affect', { token: revoked.token }, 'UNAUTHORIZED'],
      ['/affect', { token: t.token('publish', ROOM) }, 'FORBIDDEN'],
      ['/affect', { token: t.token('admin', ROOM) }, 'connected'],
      ['/sfu', { token: t.token('overlay', ROOM) }, 'FORBIDDEN'],
      ['/sfu', { token: t.token('publish', ROOM), room: 'other' }, 'FORBIDDEN'],
      ['/sfu', { token: t.token('publish', ROOM, -1) }, 'UNAUTHORIZED'],
      ['/sfu', { token: t.token('meeting', ROOM) }, 'connected'],
    ];
    for (const [namespace, auth, outcome] of expect) assert.equal(await socketOutcome(t, namespace, auth), outcome, `${namespace} ${JSON.stringify(auth).slice(0, 40)}`);

    const minted = t.app.minter.mint(ROOM, 'dashboard', 3_600_000);
    const socket = connect(`${t.baseUrl}/session`, { transports: ['websocket'], auth: { token: minted.token }, reconnection: false, forceNew: true });
    sockets.push(socket);
    const session = new Promise((resolve) => socket.once('session', resolve));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    assert.ok(await session, 'the current session is pushed on connect');
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
    assert.equal((await call(t, 'DELETE', `/api/tokens/${minted.id}`, { token: t.token('admin', ROOM) })).status, 204);
    assert.equal(await disconnected, 'io server disconnect');
  });

  it('refuses browser requests and sockets from other origins; sends helmet headers', async () => {
    const token = t.token('dashboard', ROOM);
    const evil = await call(t, 'GET', `/api/rooms/${ROOM}/sessions`, { token, headers: { origin: 'http://evil.example' } });
    assert.equal(evil.status, 403);
    assert.equal(evil.body.code, 'FORBIDDEN');
    assert.match(String(evil.body.message), /^origin:/);
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
    const own = await call(t, 'GET', `/api/rooms/${ROOM}/sessions`, { token, headers: { origin: t.baseUrl } });
    assert.equal(own.status, 200);
    assert.equal(own.headers.get('access-control-allow-origin'), null, 'same origin needs no CORS');
    const studio = await call(t, 'GET', `/api/rooms/${ROOM}/sessions`, { token, headers: { origin: 'https://studio.example' } });
    assert.equal(studio.status, 200, 'a configured origin');
    assert.equal(studio.headers.get('access-control-allow-origin'), 'https://studio.example');
    const preflight = await call(t, 'OPTIONS', `/api/rooms/${ROOM}/markers`, { headers: { origin: 'https://studio.example', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /authorization/);
    assert.equal((await call(t, 'OPTIONS', `/api/rooms/${ROOM}/markers`, { headers: { origin: 'http://evil.example' } })).status, 403);
    assert.match(await (await fetch(`${t.baseUrl}/metrics`)).text(), /affectcast_recording_dropped_total 0/);
    assert.match(own.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(own.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(own.headers.get('x-frame-options'), 'DENY');
    assert.equal(await socketOutcome(t, '/session', { token }, { origin: 'http://evil.example' }), 'websocket error');
    const page = await fetch(`${t.baseUrl}/dashboard?room=${ROOM}&token=${encodeURIComponent(token)}`);
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.doesNotMatch(page.headers.get('content-security-policy') ?? '', /unsafe-inline/);
    const overlay = await fetch(`${t.baseUrl}/overlay?room=${ROOM}&token=${encodeURIComponent(t.token('overlay', ROOM))}`);
    assert.match(overlay.headers.get('content-security-policy') ?? '', /frame-ancestors 'self'/);
  });

  it('the EU policy refuses workplace and education unless medical or safety; a refused room ends its consents', async () => {
    const admin = (room: string) => t.token('admin', room);
    const put = (room: string, body: unknown) => call(t, 'PUT', `/api/rooms/${room}`, { token: admin(room), body });
    assert.equal((await call(t, 'GET', '/api/rooms/fresh', { token: t.token('dashboard', 'fresh') })).body.purpose, 'other');
    for (const purpose of ['streaming', 'telehealth', 'research', 'other']) assert.equal((await put('r-ok', { purpose })).body.analysisAllowed, true, purpose);
    for (const purpose of ['workplace', 'education']) {
      const r = await put(`r-${purpose}`, { purpose });
      assert.equal(r.status, 200);
      assert.equal(r.body.analysisAllowed, false, purpose);
      assert.match(String(r.body.refusedBecause), /Art\. 5\(1\)\(f\)/);
      assert.equal((await put(`r-${purpose}`, { purpose, medicalOrSafety: true })).body.analysisAllowed, true, `${purpose} for safety`);
    }
    joinParticipants(t.app, 'r-shift', { 'peer-w': 'Worker' });
    assert.equal(t.app.recording.consents.isGranted('peer-w'), true);
    assert.equal((await put('r-shift', { purpose: 'workplace' })).body.analysisAllowed, false);
    assert.equal(t.app.recording.consents.isGranted('peer-w'), false, 'consent ended with the refusal');
    assert.deepEqual(t.app.recording.store.consents('r-shift').map((c) => c.granted), [true, false], 'both recorded');
    assert.throws(() => t.app.recording.consents.answer('r-shift', { id: 'peer-w', displayName: 'Worker' }, true), /Art\. 5/);
  });

  it('/sfu: consentInfo gives the text; an answer before join counts from join; a refused room refuses a grant', async () => {
    type AckOf<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };
    const open = async (room: string) => {
      const socket = connect(`${t.baseUrl}/sfu`, { transports: ['websocket'], auth: { token: t.token('publish', room) }, reconnection: false, forceNew: true });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      return <T>(event: string, data: unknown) => socket.timeout(5_000).emitWithAck(event, data) as Promise<AckOf<T>>;
    };
    const request = await open('r-consent');
    const info = await request<{ analysisAllowed: boolean; purpose: string; text: Record<string, string>; granted?: boolean }>('consentInfo', {});
    assert.ok(info.ok);
    assert.equal(info.data.analysisAllowed, true);
    assert.match(info.data.text.stored ?? '', /No video frame, image or audio is ever stored/);
    assert.match(info.data.text.retention ?? '', /30 days/);
    assert.equal(info.data.granted, undefined, 'not answered yet');
    const bad = await request('consent', { granted: 'yes' });
    assert.deepEqual(bad.ok ? null : bad.error.code, 'BAD_REQUEST');
    assert.ok((await request('consent', { granted: true })).ok);
    const joined = await request<{ peerId: string }>('join', { displayName: 'Cleo' });
    assert.ok(joined.ok);
    assert.equal(t.app.recording.consents.isGranted(joined.data.peerId), true, 'the answer given before join applies at join');
    assert.deepEqual(t.app.recording.store.consents('r-consent').map((c) => [c.peerId, c.displayName, c.granted]), [[joined.data.peerId, 'Cleo', true]]);
    assert.ok((await request('consent', { granted: false })).ok);
    assert.equal(t.app.recording.consents.isGranted(joined.data.peerId), false);
    const again = await request<{ granted?: boolean }>('consentInfo', {});
    assert.equal(again.ok && again.data.granted, false);

    await call(t, 'PUT', '/api/rooms/r-school', { token: t.token('admin', 'r-school'), body: { purpose: 'education' } });
    const school = await open('r-school');
    const refusedInfo = await school<{ analysisAllowed: boolean; refusedBecause?: string }>('consentInfo', {});
    assert.ok(refusedInfo.ok && !refusedInfo.data.analysisAllowed && /education/.test(refusedInfo.data.refusedBecause ?? ''));
    const refused = await school('consent', { granted: true });
    assert.equal(refused.ok ? 'granted' : refused.error.code, 'PURPOSE_REFUSED');
    assert.ok((await school('consent', { granted: false })).ok, 'declining is always possible');
  });

  it('bad input gets 400 BAD_REQUEST naming the field, and changes nothing', async () => {
    const token = t.token('dashboard', ROOM);
    const session = t.app.recording.recorder.current(ROOM);
    assert.ok(session, 'a session records');
    const rulesBefore = (await call(t, 'GET', `/api/rooms/${ROOM}/rules`, { token })).body.rules;
    const bad: Array<[string, string, unknown, RegExp]> = [
      ['POST', `/api/rooms/${ROOM}/markers`, { label: '' }, /^label:/],
      ['POST', `/api/rooms/${ROOM}/markers`, { label: 'ok', note: 'a\u0000b' }, /^note:/],
      ['POST', `/api/rooms/${ROOM}/markers`, { label: 'ok', at: 'soon' }, /^at:/],
      ['POST', `/api/rooms/${ROOM}/markers`, '{"label":', /^body:/],
      ['POST', `/api/rooms/${ROOM}/markers`, { label: 'big', note: 'x'.repeat(70_000) }, /^body: too large/],
      ['PUT', `/api/rooms/${ROOM}/rules`, [{ id: 'x', kind: 'valence-below', threshold: 5, forS: 1 }], /^0\.threshold:/],
      ['PUT', `/api/rooms/${ROOM}/rules`, [{ id: 'ok', kind: 'face-lost', forS: 3 }, { id: 'Bad Id', kind: 'face-lost', forS: 3 }], /^1\.id:/],
      ['PUT', `/api/rooms/${ROOM}/rules`, { rules: [] }, /^rules:/],
      ['GET', `/api/rooms/${ROOM}/events?format=xls`, undefined, /^format:/],
      ['GET', `/api/rooms/${ROOM}/events?from=yesterday`, undefined, /^from:/],
      ['GET', `/api/rooms/${ROOM}/events?from=2000&to=1000`, undefined, /^from:/],
      ['GET', `/api/rooms/${ROOM}/events?colour=red`, undefined, /colour/],
      ['GET', `/api/rooms/${ROOM}/history?limit=0`, undefined, /^limit:/],
      ['GET', `/api/rooms/bad%20room/sessions`, undefined, /^room:/],
      ['PUT', `/api/rooms/${ROOM}`, { purpose: 'marketing' }, /^purpose:/],
    ];
    for (const [method, path, body, message] of bad) {
      const r = await call(t, method, path, { token: path.endsWith(ROOM) ? t.token('admin', ROOM) : token, body });
      assert.equal(r.status, 400, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.code, 'BAD_REQUEST');
      assert.match(String(r.body.message), message, `${method} ${path}`);
    }
    assert.equal((await call(t, 'GET', `/api/rooms/${ROOM}/events?session=nope`, { token })).body.code, 'NOT_FOUND');
    assert.equal(t.app.recording.store.markers(session.id).length, 0, 'no marker was written');
    assert.deepEqual((await call(t, 'GET', `/api/rooms/${ROOM}/rules`, { token })).body.rules, rulesBefore, 'rules unchanged');
  });

  it('a configured rule fires an alert: recorded with its time and participant, pushed on /session, exported', async () => {
    const token = t.token('dashboard', ROOM);
    const rules = [{ id: 'sad', kind: 'valence-below', threshold: -0.5, forS: 1 }];
    const put = await call(t, 'PUT', `/api/rooms/${ROOM}/rules`, { token, body: rules });
    assert.deepEqual(put.body.rules, rules);
    const socket = connect(`${t.baseUrl}/session`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    sockets.push(socket);
    const alerts: Array<{ ruleId: string; at: number; displayName: string; message: string }> = [];
    socket.on('alert', (a) => alerts.push(a));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const t0 = Date.now();
    for (let i = 0; i <= 15; i++) t.app.hub.publish(affectEvent(ROOM, 'peer-a', [face({ valence: -0.8 })], t0 + i * 100));
    await until(() => alerts.length === 1, 5_000, 'the alert pushed');
    assert.equal(alerts[0]?.at, t0 + 1000, 'when the condition had held for 1 s');
    assert.equal(alerts[0]?.displayName, 'Ana');
    assert.match(alerts[0]?.message ?? '', /^valence below -0.5 for 1 s \(Ana, face 0\)$/);
    const listed = (await call(t, 'GET', `/api/rooms/${ROOM}/alerts`, { token })).body.alerts as unknown[];
    assert.equal(listed.length, 1);
    const csv = await (await fetch(`${t.baseUrl}/api/rooms/${ROOM}/events?token=${encodeURIComponent(token)}`)).text();
    assert.match(csv, /\r\nalert,[^\r]*,peer-a,Ana,,0,[^\r]*,sad,"valence below -0\.5 for 1 s \(Ana, face 0\)"\r\n/, 'quoted: the message has a comma');
  });

  it('markers, rules, start/stop and history work over REST and /session alike', async () => {
    const token = t.token('dashboard', ROOM);
    const socket = connect(`${t.baseUrl}/session`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    sockets.push(socket);
    const pushed: unknown[] = [];
    socket.on('marker', (m) => pushed.push(m));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const marker = await call(t, 'POST', `/api/rooms/${ROOM}/markers`, { token, body: { label: 'task 1 start', note: 'reading' } });
    assert.equal(marker.status, 201);
    await until(() => pushed.length === 1, 5_000, 'the marker pushed to /session');
    const ack = (await socket.timeout(5_000).emitWithAck('addMarker', { label: '' })) as { ok: boolean; error?: { code: string } };
    assert.deepEqual([ack.ok, ack.error?.code], [false, 'BAD_REQUEST']);
    // the request's name is the client's too: an unknown one, or a number, is an unknown request
    for (const name of ['teleport', 42]) {
      const unknown = (await socket.timeout(5_000).emitWithAck(name as string, {})) as { ok: boolean; error?: { code: string } };
      assert.deepEqual([unknown.ok, unknown.error?.code], [false, 'UNKNOWN_REQUEST'], String(name));
    }
    const history = (await socket.timeout(5_000).emitWithAck('history', {})) as { ok: true; data: { events: unknown[]; markers: unknown[]; participants: unknown[] } };
    assert.ok(history.ok);
    assert.equal(history.data.events.length, 5 + 16);
    assert.equal(history.data.markers.length, 1);
    assert.deepEqual(history.data.participants, [{ peerId: 'peer-a', displayName: 'Ana' }]);
    const started = await call(t, 'POST', `/api/rooms/${ROOM}/sessions/start`, { token, headers: { 'content-type': 'application/json' } });
    assert.equal(started.status, 200, 'a bare POST with a JSON content type');
    assert.equal(started.body.startedBy, 'manual');
    const stopped = await call(t, 'POST', `/api/rooms/${ROOM}/sessions/stop`, { token });
    assert.equal((stopped.body.session as { id: string }).id, started.body.id);
    assert.equal((await call(t, 'POST', `/api/rooms/${ROOM}/markers`, { token, body: { label: 'late' } })).body.code, 'NOT_FOUND');
    const sessions = (await call(t, 'GET', `/api/rooms/${ROOM}/sessions`, { token })).body.sessions as Array<{ events: number; markers: number; endedAt: number | null }>;
    assert.equal(sessions.length, 2);
    assert.ok(sessions.every((s) => s.endedAt !== null));
    assert.deepEqual(sessions.map((s) => [s.events, s.markers]), [[0, 0], [21, 1]]);
  });
});

describe('per-IP limits', { timeout: 60_000 }, () => {
  it('refuses an address everything (429: REST, sockets, pages) after too many bad tokens', async () => {
    await using t = await startTestApp({ config: { server: { tokenFailuresPerMinute: 3, rateLimitPerMinute: 40 } } });
    const good = t.token('dashboard', ROOM);
    for (let i = 0; i < 3; i++) assert.equal((await call(t, 'GET', `/api/rooms/${ROOM}/sessions`, { token: 'junk' })).status, 401);
    const r = await call(t, 'GET', `/api/rooms/${ROOM}/sessions`, { token: good });
    assert.deepEqual([r.status, r.body.code], [429, 'RATE_LIMITED'], 'even a good token, for the rest of the minute');
    assert.equal(await socketOutcome(t, '/session', { token: good }), 'RATE_LIMITED');
    assert.equal((await fetch(`${t.baseUrl}/dashboard?room=${ROOM}&token=${encodeURIComponent(good)}`)).status, 429);
  });

  it('rate-limits REST per IP', async () => {
    await using t = await startTestApp({ config: { server: { rateLimitPerMinute: 5 } } });
    const good = t.token('dashboard', ROOM);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await call(t, 'GET', `/api/rooms/${ROOM}/sessions`, { token: good })).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
    assert.equal((await call(t, 'GET', `/api/rooms/${ROOM}/sessions`, { token: good })).body.code, 'RATE_LIMITED');
  });
});
