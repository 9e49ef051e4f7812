// The remote runner against a KServe v2 server that runs the same ONNX models: the outputs it returns are
// those of local inference, with the binary tensor extension and with JSON values, through openRunners.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { loadVisionModels, visionModelsOptions } from '../../../src/inference/VisionModels.js';
import { OrtInferenceRunner } from '../../../src/inference/OrtInferenceRunner.js';
import { openRunners } from '../../../src/inference/openRunners.js';
import { loadVerifiedModel, type VerifiedModel } from '../../../src/inference/verifiedModel.js';
import { KserveTestServer } from '../../support/kserveServer.js';
import { requireModels } from '../vision/support.js';
import { assertOutputsClose, capturingLogger, pseudoRandom, WARN } from './support.js';

const EXPRESSION = 'faceapi-expression';
const DETECTOR = 'blazeface';
const remoteConfig = (url: string) => ({ url, timeoutMs: 5_000, retries: 2, retryBackoffMs: 20, probeIntervalMs: 200 });

let models: VerifiedModel[];
let local: Map<string, OrtInferenceRunner>;

before(async () => {
  const dir = requireModels(EXPRESSION, DETECTOR);
  models = [await loadVerifiedModel(dir, EXPRESSION), await loadVerifiedModel(dir, DETECTOR)];
  local = new Map();
  for (const m of models) local.set(m.manifest.id, await OrtInferenceRunner.create(m, { intraOpNumThreads: 1 }));
});
after(async () => Promise.all([...local.values()].map((r) => r.close())));

const expressionFeeds = () => ({ image: { data: pseudoRandom(3 * 112 * 112 * 3, 11), dims: [3, 112, 112, 3] } });
const detectorFeeds = () => ({ image: { data: pseudoRandom(2 * 256 * 256 * 3, 5), dims: [2, 256, 256, 3] } });

for (const binary of [true, false]) {
  describe(binary ? 'a server with the binary tensor extension' : 'a server that takes JSON values only', () => {
    let server: KserveTestServer;
    before(async () => {
      server = await KserveTestServer.start({ models, binary });
    });
    after(() => server.close());

    it('returns what local inference returns, within 1e-6, for every output, and runs it on the server', { timeout: 120_000 }, async () => {
      const { logger, lines } = capturingLogger();
      const runners = await openRunners(models, { threads: 0, intraOpNumThreads: 1, logger, remote: remoteConfig(server.url) });
      try {
        const expression = await runners.runner(EXPRESSION).run(expressionFeeds());
        assertOutputsClose(expression, await local.get(EXPRESSION)!.run(expressionFeeds()));
        assert.deepEqual([...expression['expressions']!.dims], [3, 7]);
        // four outputs: the binary sections come back in the header's order
        const detector = await runners.runner(DETECTOR).run(detectorFeeds());
        assertOutputsClose(detector, await local.get(DETECTOR)!.run(detectorFeeds()));

        const sent = [...server.inferRequests(EXPRESSION), ...server.inferRequests(DETECTOR)];
        assert.equal(sent.length, 2, 'one request per batch, both served remotely');
        for (const r of sent) assert.equal(r.headerLength !== undefined, binary, 'binary extension used exactly when offered');
        assert.equal(lines.filter((l) => l.level >= WARN).length, 0, 'nothing went wrong');
      } finally {
        await runners.close();
      }
    });
  });
}

describe('the openRunners hook', () => {
  it('sends only the configured models to the server; the others run on the worker threads', { timeout: 120_000 }, async () => {
    const server = await KserveTestServer.start({ models });
    const runners = await openRunners(models, {
      threads: 1,
      intraOpNumThreads: 1,
      logger: capturingLogger().logger,
      remote: { ...remoteConfig(server.url), models: [DETECTOR] },
    });
    try {
      assertOutputsClose(await runners.runner(EXPRESSION).run(expressionFeeds()), await local.get(EXPRESSION)!.run(expressionFeeds()));
      await runners.runner(DETECTOR).run(detectorFeeds());
      assert.equal(server.inferRequests(EXPRESSION).length, 0, 'expression ran locally');
      assert.equal(server.inferRequests(DETECTOR).length, 1, 'the detector ran on the server');
    } finally {
      await runners.close();
      await runners.close();
      await server.close();
    }
  });

  it('refuses a closed runner and still checks inputs against the manifest', { timeout: 120_000 }, async () => {
    const server = await KserveTestServer.start({ models });
    const { logger, lines } = capturingLogger();
    const runners = await openRunners(models, { threads: 0, intraOpNumThreads: 1, logger, remote: remoteConfig(server.url) });
    try {
      const runner = runners.runner(EXPRESSION);
      await assert.rejects(runner.run({ image: { data: new Float32Array(3), dims: [1, 1, 1, 3] } }), /manifest says/);
      await assert.rejects(runner.run({}), /missing input 'image'/);
      await assert.rejects(runner.run({ image: { data: new Float32Array(5), dims: [1, 112, 112, 3] } }), /5 values for dims/);
      assert.equal(server.inferRequests(EXPRESSION).length, 0, 'a bad request never reaches the server');
      assert.equal(lines.filter((l) => l.level >= WARN).length, 0, "the caller's mistake is no reason to fall back");
    } finally {
      await runners.close();
      await server.close();
    }
    await assert.rejects(runners.runner(EXPRESSION).run(expressionFeeds()), /closed/);
  });

  it('reaches the default profile through config inference.remote', { timeout: 120_000 }, async () => {
    const server = await KserveTestServer.start({ models });
    const options = visionModelsOptions(loadConfig({}, { AFFECTCAST_INFERENCE_URL: server.url, AFFECTCAST_INFERENCE_THREADS: '0' }), capturingLogger().logger);
    const vision = await loadVisionModels({ ...options, mesh: false });
    try {
      assertOutputsClose(await vision.expression.run(expressionFeeds()), await local.get(EXPRESSION)!.run(expressionFeeds()));
      await vision.detector.run(detectorFeeds());
      assert.equal(server.inferRequests(EXPRESSION).length, 1);
      assert.equal(server.inferRequests(DETECTOR).length, 1);
    } finally {
      await vision.close();
      await server.close();
    }
  });

  it('sends a user and password in the URL as basic authentication, and never logs the password', { timeout: 120_000 }, async () => {
    const server = await KserveTestServer.start({ models });
    server.patchMetadata(EXPRESSION, (m) => ({ ...m, inputs: [{ name: 'image', datatype: 'FP32', shape: [-1, 1] }] }));
    const { logger, lines } = capturingLogger();
    const url = server.url.replace('http://', 'http://node-a:s3cret-pw@');
    try {
      // on worker threads: a refused server must close them too, or this file's process would never exit
      await assert.rejects(openRunners(models, { threads: 1, intraOpNumThreads: 1, logger, remote: remoteConfig(url) }), (e: unknown) => !String(e).includes('s3cret-pw'));
      assert.ok(server.requests.length > 0);
      for (const r of server.requests) assert.equal(r.authorization, `Basic ${Buffer.from('node-a:s3cret-pw').toString('base64')}`);
      server.patchMetadata(EXPRESSION, null);
      await server.stop();
      const runners = await openRunners(models, { threads: 0, intraOpNumThreads: 1, logger, remote: remoteConfig(url) });
      await runners.close();
      assert.ok(lines.some((l) => l.level === WARN), 'the fallback was logged');
      assert.ok(!JSON.stringify(lines).includes('s3cret-pw'), 'no log line holds the password');
    } finally {
      await server.close();
    }
  });
});
