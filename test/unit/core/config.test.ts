import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { AffectcastError } from '../../../src/contracts/errors.js';

test('defaults are safe: loopback, port 8080, default profile', () => {
  const config = loadConfig({}, {});
  assert.equal(config.server.host, '127.0.0.1');
  assert.equal(config.sfu.listenIp, '127.0.0.1');
  assert.equal(config.server.port, 8080);
  assert.equal(config.models.profile, 'default');
  assert.equal(config.models.allowUntrained, false);
  assert.equal(config.analyzer.blendshapes, false, 'raw blendshapes are opt-in');
  assert.equal(loadConfig({}, { AFFECTCAST_BLENDSHAPES: 'true' }).analyzer.blendshapes, true);
});

test('flags beat environment variables, which beat the config file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-config-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ server: { port: 1111, host: '10.0.0.1' }, room: 'fromfile', analyzer: { fps: 3 } }));
  try {
    const config = loadConfig({ config: file, port: 3333 }, { AFFECTCAST_PORT: '2222', AFFECTCAST_ROOM: 'fromenv' });
    assert.equal(config.server.port, 3333);
    assert.equal(config.room, 'fromenv');
    assert.equal(config.server.host, '10.0.0.1');
    assert.equal(config.analyzer.fps, 3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the config is frozen all the way down', () => {
  const config = loadConfig({}, {});
  assert.throws(() => {
    (config.server as { port: number }).port = 1;
  }, TypeError);
});

test('every problem is reported at once, with its path', () => {
  try {
    loadConfig({ room: 'bad room!' }, { AFFECTCAST_ANALYSIS_FPS: '500', AFFECTCAST_PROFILE: 'nope' });
    assert.fail('expected an error');
  } catch (error) {
    assert.ok(error instanceof AffectcastError);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.message, /room/);
    assert.match(error.message, /analyzer\.fps/);
    assert.match(error.message, /models\.profile/);
  }
});

test('malformed environment values and unknown keys are refused', () => {
  assert.throws(() => loadConfig({}, { AFFECTCAST_PORT: 'eighty' }), /AFFECTCAST_PORT/);
  assert.throws(() => loadConfig({}, { AFFECTCAST_ALLOW_UNTRAINED: 'maybe' }), /boolean/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-config-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ server: { prot: 1 } }));
  try {
    assert.throws(() => loadConfig({ config: file }, {}), /prot/);
    fs.writeFileSync(file, '[1,2]');
    assert.throws(() => loadConfig({ config: file }, {}), /not a JSON object/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('overlapping WebRTC and decoder port ranges are refused', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-config-'));
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ sfu: { rtcPorts: { min: 40000, max: 50500 } } }));
  try {
    assert.throws(() => loadConfig({ config: file }, {}), /overlap/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the announced WebRTC address defaults to the listen address, and to loopback for a wildcard one', () => {
  assert.equal(loadConfig({}, {}).sfu.announcedAddress, '127.0.0.1', 'loopback by default, as documented');
  assert.equal(loadConfig({}, { AFFECTCAST_LISTEN_IP: '10.1.2.3' }).sfu.announcedAddress, '10.1.2.3');
  // A container listens on every address; 0.0.0.0 is no address a browser can send to.
  assert.equal(loadConfig({}, { AFFECTCAST_LISTEN_IP: '0.0.0.0' }).sfu.announcedAddress, '127.0.0.1');
  assert.equal(loadConfig({}, { AFFECTCAST_LISTEN_IP: '::' }).sfu.announcedAddress, '::1');
  const behindNat = loadConfig({}, { AFFECTCAST_LISTEN_IP: '0.0.0.0', AFFECTCAST_ANNOUNCED_ADDRESS: '203.0.113.7' });
  assert.equal(behindNat.sfu.listenIp, '0.0.0.0');
  assert.equal(behindNat.sfu.announcedAddress, '203.0.113.7');
});

test('AFFECTCAST_RTC_PORTS sets the WebRTC port range as MIN-MAX', () => {
  assert.deepEqual(loadConfig({}, {}).sfu.rtcPorts, { min: 40000, max: 49999 });
  assert.deepEqual(loadConfig({}, { AFFECTCAST_RTC_PORTS: '40000-40099' }).sfu.rtcPorts, { min: 40000, max: 40099 });
  assert.throws(() => loadConfig({}, { AFFECTCAST_RTC_PORTS: '40000' }), /AFFECTCAST_RTC_PORTS.*MIN-MAX/);
  assert.throws(() => loadConfig({}, { AFFECTCAST_RTC_PORTS: '40100-40000' }), /min must be below max/);
  assert.throws(() => loadConfig({}, { AFFECTCAST_RTC_PORTS: '40000-70000' }), /rtcPorts/);
});
