// Faults the remote backend must survive: a request past its timeout is retried and succeeds; a 5xx is
// retried, a 4xx is not; a server that is down (at start or later) sends inference to the local model with
// one warning and the reason, and a recovered server is used again (and logged); a server whose model
// differs from its manifest is refused with every difference named.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AffectcastError } from '../../../src/contracts/errors.js';
import { OrtInferenceRunner } from '../../../src/inference/OrtInferenceRunner.js';
import { openRunners } from '../../../src/inference/openRunners.js';
import type { RemoteRequestEvent } from '../../../src/inference/kserve/RemoteInferenceEvents.js';
import type { ModelRunners } from '../../../src/inference/openRunners.js';
import { loadVerifiedModel, type VerifiedModel } from '../../../src/inference/verifiedModel.js';
import { KserveTestServer } from '../../support/kserveServer.js';
import { until } from '../../support/until.js';
import { requireModels } from '../vision/support.js';
import { assertOutputsClose, capturingLogger, ERROR, INFO, pseudoRandom, WARN, type LogLine } from './support.js';

const MODEL = 'faceapi-expression';
/** Long enough for a real request on a loaded machine; the injected delays are far longer. */
const TIMEOUT_MS = 2_000;
const config = (url: string) => ({ url, timeoutMs: TIMEOUT_MS, retries: 2, retryBackoffMs: 20, probeIntervalMs: 100 });
const feeds = (seed: number) => ({ image: { data: pseudoRandom(2 * 112 * 112 * 3, seed), dims: [2, 112, 112, 3] } });

let model: VerifiedModel;
let local: OrtInferenceRunner;
let server: KserveTestServer;

before(async () => {
  model = await loadVerifiedModel(requireModels(MODEL), MODEL);
  local = await OrtInferenceRunner.create(model, { intraOpNumThreads: 1 });
  server = await KserveTestServer.start({ models: [model] });
});
after(async () => {
  await local.close();
  await server.close();
});

interface Opened {
  runners: ModelRunners;
  lines: LogLine[];
  requests: RemoteRequestEvent[];
  events: string[];
}

async function open(url = server.url): Promise<Opened> {
  const { logger, lines } = capturingLogger();
  const runners = await openRunners([model], { threads: 0, intraOpNumThreads: 1, logger, remote: config(url) });
  const remoteEvents = runners.remoteEvents;
  assert.ok(remoteEvents, 'openRunners exposes the remote events');
  const requests: RemoteRequestEvent[] = [];
  const events: string[] = [];
  remoteEvents.on('request', (r) => requests.push(r));
  remoteEvents.on('retry', () => events.push('retry'));
  remoteEvents.on('fallback', () => events.push('fallback'));
  remoteEvents.on('recovered', () => events.push('recovered'));
  return { runners, lines, requests, events };
}

const warnings = (lines: LogLine[]) => lines.filter((l) => l.level === WARN);

async function expectLocalResult(opened: Opened, seed: number): Promise<void> {
  assertOutputsClose(await opened.runners.runner(MODEL).run(feeds(seed)), await local.run(feeds(seed)));
}

describe('retries', () => {
  it('a request past its timeout is abandoned, retried and succeeds on the server', { timeout: 60_000 }, async () => {
    const opened = await open();
    try {
      const before = server.inferRequests(MODEL).length;
      server.delayNext(1, TIMEOUT_MS * 3);
      await expectLocalResult(opened, 1);
      assert.equal(server.inferRequests(MODEL).length - before, 2, 'the first attempt and one retry');
      assert.deepEqual(opened.events, ['retry']);
      assert.equal(opened.requests.at(-1)?.ranOn, 'remote');
      assert.equal(opened.requests.at(-1)?.attempts, 2);
      assert.equal(warnings(opened.lines).length, 0, 'a retried success is no fallback');
      const retry = opened.lines.find((l) => l.msg.includes('retrying'));
      assert.match(String(retry?.['reason']), /longer than 2000 ms/);
    } finally {
      await opened.runners.close();
    }
  });

  it('a 500 is retried; a 400 is not, and falls back to local with its reason', { timeout: 60_000 }, async () => {
    const opened = await open();
    try {
      let before = server.inferRequests(MODEL).length;
      server.failNext(1, 500);
      await expectLocalResult(opened, 2);
      assert.equal(server.inferRequests(MODEL).length - before, 2);
      assert.equal(opened.requests.at(-1)?.ranOn, 'remote');

      before = server.inferRequests(MODEL).length;
      server.failNext(1, 400);
      await expectLocalResult(opened, 3);
      assert.equal(server.inferRequests(MODEL).length - before, 1, 'a refused request is not sent again');
      assert.equal(opened.requests.at(-1)?.ranOn, 'local');
      const [warn, ...more] = warnings(opened.lines);
      assert.equal(more.length, 0);
      assert.match(String(warn?.['reason']), /answered 400: injected failure/);
      assert.deepEqual(opened.events, ['retry', 'fallback']);
    } finally {
      await opened.runners.close();
    }
  });
});

describe('a server that is down', () => {
  it('at start: inference runs locally with one warning, and moves back once the server is up', { timeout: 60_000 }, async () => {
    await server.stop();
    let opened: Opened | undefined;
    try {
      opened = await open();
      for (let seed = 10; seed < 13; seed++) await expectLocalResult(opened, seed);
      const [warn, ...more] = warnings(opened.lines);
      assert.equal(more.length, 0, 'one warning, however many batches run locally');
      assert.match(String(warn?.msg), /running on the local models/);
      assert.match(String(warn?.['reason']), /ECONNREFUSED/);
      assert.ok(opened.requests.every((r) => r.ranOn === 'local'));
    } finally {
      await server.listen();
    }
    try {
      const before = server.inferRequests(MODEL).length;
      const o = opened;
      await until(async () => (await o.runners.runner(MODEL).run(feeds(20)), o.events.includes('recovered')), 30_000, 'the recovery probe');
      await expectLocalResult(o, 21);
      assert.ok(server.inferRequests(MODEL).length > before, 'batches go to the server again');
      assert.equal(o.requests.at(-1)?.ranOn, 'remote');
      assert.ok(o.lines.some((l) => l.level === INFO && l.msg.includes('recovered')), 'the recovery is logged');
      assert.equal(warnings(o.lines).length, 1);
    } finally {
      await opened.runners.close();
    }
  });

  it('later: the failing batch and the ones after it run locally, with one warning', { timeout: 60_000 }, async () => {
    const opened = await open();
    try {
      await expectLocalResult(opened, 30);
      assert.equal(opened.requests.at(-1)?.ranOn, 'remote');
      await server.stop();
      for (let seed = 31; seed < 34; seed++) await expectLocalResult(opened, seed);
      assert.equal(warnings(opened.lines).length, 1);
      assert.equal(opened.requests.filter((r) => r.ranOn === 'local').length, 3);
      assert.equal(opened.requests.at(1)?.attempts, 3, 'connection errors are retried (2 retries)');
    } finally {
      await server.listen();
      await opened.runners.close();
    }
  });

  it('a server that never listened: connection refused at start is a fallback, not an error', { timeout: 60_000 }, async () => {
    const probe = await KserveTestServer.start({ models: [] });
    const url = probe.url;
    await probe.close();
    const opened = await open(url);
    try {
      await expectLocalResult(opened, 40);
      assert.equal(warnings(opened.lines).length, 1);
    } finally {
      await opened.runners.close();
    }
  });
});

describe('model metadata', () => {
  const refused = async (pattern: RegExp) => {
    await assert.rejects(open(), (error: unknown) => {
      assert.ok(error instanceof AffectcastError);
      assert.equal(error.code, 'MODEL_MISSING');
      assert.match(error.message, new RegExp(`${MODEL}' does not match its manifest`));
      assert.match(error.message, pattern);
      return true;
    });
  };

  it('a served shape or datatype that differs from the manifest is refused with a clear error', { timeout: 60_000 }, async () => {
    try {
      server.patchMetadata(MODEL, (m) => ({ ...m, inputs: [{ name: 'image', datatype: 'FP32', shape: [-1, 224, 224, 3] }] }));
      await refused(/input 'image' is served as \[-1,224,224,3\], the manifest says \[N,112,112,3\]/);
      // a fixed batch cannot take the manifest's free one
      server.patchMetadata(MODEL, (m) => ({ ...m, inputs: [{ name: 'image', datatype: 'FP32', shape: [1, 112, 112, 3] }] }));
      await refused(/input 'image' is served as \[1,112,112,3\]/);
      server.patchMetadata(MODEL, (m) => ({ ...m, outputs: [{ name: 'expressions', datatype: 'FP16', shape: [-1, 7] }] }));
      await refused(/output 'expressions' is FP16, not FP32/);
      server.patchMetadata(MODEL, (m) => ({ ...m, outputs: [{ name: 'logits', datatype: 'FP32', shape: [-1, 7] }] }));
      await refused(/output 'expressions' is not served/);
    } finally {
      server.patchMetadata(MODEL, null);
    }
  });

  it('a server that comes back with a different model stays unused, and says so once', { timeout: 60_000 }, async () => {
    await server.stop();
    let opened: Opened | undefined;
    try {
      opened = await open();
      server.patchMetadata(MODEL, (m) => ({ ...m, inputs: [{ name: 'image', datatype: 'FP32', shape: [-1, 64, 64, 3] }] }));
      await server.listen();
      const before = server.inferRequests(MODEL).length;
      const o = opened;
      await until(async () => (await o.runners.runner(MODEL).run(feeds(50)), o.lines.some((l) => l.level === ERROR)), 30_000, 'the mismatch to be seen');
      for (let seed = 51; seed < 54; seed++) await expectLocalResult(o, seed);
      assert.equal(o.lines.filter((l) => l.level === ERROR).length, 1, 'said once, though the probe goes on');
      assert.match(String(o.lines.find((l) => l.level === ERROR)?.['reason']), /served as \[-1,64,64,3\]/);
      assert.equal(server.inferRequests(MODEL).length, before, 'no batch was sent to the wrong model');
      assert.ok(!o.events.includes('recovered'));
    } finally {
      server.patchMetadata(MODEL, null);
      await server.listen();
      await opened?.runners.close();
    }
  });
});
