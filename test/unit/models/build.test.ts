// models build / list / verify / loadManifest on real conversions in temporary folders.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AffectcastError } from '../../../src/contracts/errors.js';
import { EXPRESSIONS } from '../../../src/contracts/labels.js';
import { silentLogger } from '../../../src/log/logger.js';
import { buildModels, type BuiltModel } from '../../../src/models/buildModels.js';
import { listModels } from '../../../src/models/listModels.js';
import { loadManifest } from '../../../src/models/loadManifest.js';
import { ModelManifestSchema } from '../../../src/models/manifest.js';
import { modelsCommand } from '../../../src/models/modelsCommand.js';
import { resolvePackage } from '../../../src/models/packages.js';
import { sha256File } from '../../../src/models/sha256.js';
import { verifyModels } from '../../../src/models/verifyModels.js';

const MESH = 'mediapipe-facemesh-v2';
const IDS = ['blazeface', MESH, 'mediapipe-blendshapes', 'faceapi-expression'];
const logger = silentLogger();

function snapshot(dir: string): Map<string, { mtimeMs: number; sha256: string }> {
  return new Map(
    fs.readdirSync(dir).map((f) => {
      const file = path.join(dir, f);
      return [f, { mtimeMs: fs.statSync(file).mtimeMs, sha256: sha256File(file) }];
    }),
  );
}

/** A private copy of the first build, for tests that damage it. */
function copyOf(dir: string): string {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-models-copy-'));
  fs.cpSync(dir, copy, { recursive: true });
  return copy;
}

function flipByte(file: string, at: number): void {
  const bytes = fs.readFileSync(file);
  bytes[at] = (bytes[at] ?? 0) ^ 0xff;
  fs.writeFileSync(file, bytes);
}

function expectModelMissing(fn: () => unknown, ...mentions: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AffectcastError, `expected AffectcastError, got ${String(err)}`);
    assert.equal(err.code, 'MODEL_MISSING');
    for (const m of mentions) assert.ok(err.message.includes(m), `message should mention ${m}: ${err.message}`);
    return true;
  });
}

describe('models build, list, verify', () => {
  const temps: string[] = [];
  let dir: string;
  let first: BuiltModel[];
  let firstMs: number;

  const temp = (d: string): string => {
    temps.push(d);
    return d;
  };

  before(async () => {
    dir = temp(fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-models-')));
    const t0 = performance.now();
    first = await buildModels(dir, logger);
    firstMs = performance.now() - t0;
  });

  after(() => {
    for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
  });

  it('converts every default model into <id>.onnx + <id>.json', (t) => {
    t.diagnostic(`first build ${firstMs.toFixed(0)} ms: ${first.map((m) => `${m.id} ${m.convertMs.toFixed(0)} ms, ${m.bytes} B, ${m.nodeCount} nodes`).join('; ')}`);
    assert.deepEqual(first.map((m) => [m.id, m.action]), IDS.map((id) => [id, 'converted']));
    assert.deepEqual(fs.readdirSync(dir).sort(), IDS.flatMap((id) => [`${id}.json`, `${id}.onnx`]).sort());
  });

  it('a second build converts nothing and leaves every file untouched, in well under a second', async (t) => {
    const before = snapshot(dir);
    const t0 = performance.now();
    const second = await buildModels(dir, logger);
    const ms = performance.now() - t0;
    t.diagnostic(`second build ${ms.toFixed(1)} ms`);
    assert.deepEqual(second.map((m) => m.action), IDS.map(() => 'unchanged'));
    assert.deepEqual(snapshot(dir), before);
    assert.ok(ms < 1000, `second build took ${ms} ms`);
  });

  it('conversion is deterministic: a forced rebuild writes the same bytes', async () => {
    const copy = temp(copyOf(dir));
    const forced = await buildModels(copy, logger, { force: true });
    assert.deepEqual(forced.map((m) => m.action), IDS.map(() => 'converted'));
    for (const id of IDS) assert.equal(sha256File(path.join(copy, `${id}.onnx`)), sha256File(path.join(dir, `${id}.onnx`)), id);
  });

  it('manifests validate against ModelManifestSchema and describe their files', () => {
    for (const id of IDS) {
      const raw: unknown = JSON.parse(fs.readFileSync(path.join(dir, `${id}.json`), 'utf8'));
      const manifest = ModelManifestSchema.parse(raw);
      const file = path.join(dir, manifest.file);
      assert.equal(manifest.id, id);
      assert.equal(manifest.file, `${id}.onnx`);
      assert.equal(manifest.sha256, sha256File(file));
      assert.equal(manifest.bytes, fs.statSync(file).size);
      assert.equal(manifest.provenance.status, 'pretrained');
      if (id === 'mediapipe-blendshapes') continue; // a point-set input, checked below
      assert.deepEqual(manifest.inputs.map((i) => [i.name, i.shape[0]]), [['image', 'N']]);
      for (const key of ['size', 'layout', 'colourOrder', 'scaling', 'crop', 'resize']) {
        assert.ok(key in manifest.preprocessing, `${id}: preprocessing.${key}`);
      }
    }
    const human = resolvePackage('@vladmandic/human').version;
    const faceApi = resolvePackage('@vladmandic/face-api').version;
    const expression = loadManifest(dir, 'faceapi-expression').manifest;
    assert.deepEqual(expression.outputs.map((o) => [o.name, o.shape, o.labels]), [['expressions', ['N', 7], [...EXPRESSIONS]]]);
    assert.ok(expression.version.startsWith(`${faceApi}+`), expression.version);
    assert.ok(expression.provenance.source.includes(`@vladmandic/face-api@${faceApi}`));
    const blazeface = loadManifest(dir, 'blazeface').manifest;
    assert.deepEqual(blazeface.outputs.map((o) => [o.name, o.shape]), [
      ['scores_stride16', ['N', 512, 1]],
      ['regressors_stride16', ['N', 512, 16]],
      ['scores_stride32', ['N', 384, 1]],
      ['regressors_stride32', ['N', 384, 16]],
    ]);
    assert.ok(blazeface.version.startsWith(`${human}+`));
    const facemesh = loadManifest(dir, MESH).manifest;
    assert.deepEqual(facemesh.outputs.map((o) => [o.name, o.shape]), [['landmarks', ['N', 1434]], ['faceflag', ['N', 1]]]);
    assert.ok(facemesh.version.startsWith('float16-1+'), facemesh.version);
    const blendshapes = loadManifest(dir, 'mediapipe-blendshapes').manifest;
    assert.deepEqual(blendshapes.inputs.map((o) => [o.name, o.shape]), [['points', [1, 146, 2]]]);
    assert.equal(blendshapes.outputs[0]?.labels?.length, 52);
  });

  it('verify loads and runs every model', async (t) => {
    const reports = await verifyModels(dir);
    t.diagnostic(reports.map((r) => `${r.id} ${r.runMs?.toFixed(1)} ms`).join('; '));
    assert.deepEqual(reports.map((r) => [r.id, r.ok, r.current]), IDS.map((id) => [id, true, true]));
    assert.deepEqual(reports.find((r) => r.id === 'blazeface')?.outputs, {
      scores_stride16: [1, 512, 1],
      regressors_stride16: [1, 512, 16],
      scores_stride32: [1, 384, 1],
      regressors_stride32: [1, 384, 16],
    });
  });

  it('a corrupted file: loadManifest throws MODEL_MISSING, verify fails it, build repairs it', async () => {
    const copy = temp(copyOf(dir));
    const onnx = path.join(copy, `${MESH}.onnx`);
    flipByte(onnx, Math.floor(fs.statSync(onnx).size / 2));
    expectModelMissing(() => loadManifest(copy, MESH), onnx, 'sha256', 'affectcast models build');
    const reports = await verifyModels(copy);
    assert.deepEqual(reports.map((r) => [r.id, r.ok, r.error?.code]), [
      ['blazeface', true, undefined],
      [MESH, false, 'MODEL_MISSING'],
      ['mediapipe-blendshapes', true, undefined],
      ['faceapi-expression', true, undefined],
    ]);
    assert.equal(listModels(copy).find((m) => m.id === MESH)?.status, 'missing');
    const rebuilt = await buildModels(copy, logger);
    assert.deepEqual(rebuilt.map((m) => m.action), ['unchanged', 'converted', 'unchanged', 'unchanged']);
    assert.match(rebuilt[1]?.reason ?? '', /sha256/);
    assert.equal(loadManifest(copy, MESH).manifest.sha256, sha256File(path.join(dir, `${MESH}.onnx`)));
  });

  it('a missing or invalid manifest, or a missing file, is MODEL_MISSING naming the file', () => {
    const copy = temp(copyOf(dir));
    fs.rmSync(path.join(copy, 'blazeface.json'));
    expectModelMissing(() => loadManifest(copy, 'blazeface'), path.join(copy, 'blazeface.json'), 'affectcast models build');
    fs.rmSync(path.join(copy, `${MESH}.onnx`));
    expectModelMissing(() => loadManifest(copy, MESH), path.join(copy, `${MESH}.onnx`));
    const manifestFile = path.join(copy, 'faceapi-expression.json');
    const manifest: Record<string, unknown> = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, sha256: 'not-a-hash' }));
    expectModelMissing(() => loadManifest(copy, 'faceapi-expression'), manifestFile, 'sha256');
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, file: '../elsewhere.onnx' }));
    expectModelMissing(() => loadManifest(copy, 'faceapi-expression'), 'outside its folder');
  });

  it('a manifest from another converter or package version is stale and gets rebuilt', async () => {
    const copy = temp(copyOf(dir));
    const manifestFile = path.join(copy, 'blazeface.json');
    const manifest = ModelManifestSchema.parse(JSON.parse(fs.readFileSync(manifestFile, 'utf8')));
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, version: '0.0.1+conv.0' }));
    assert.equal(listModels(copy).find((m) => m.id === 'blazeface')?.status, 'stale');
    assert.equal((await verifyModels(copy)).find((r) => r.id === 'blazeface')?.current, false);
    const rebuilt = await buildModels(copy, logger);
    assert.deepEqual(rebuilt.map((m) => m.action), ['converted', 'unchanged', 'unchanged', 'unchanged']);
    assert.match(rebuilt[0]?.reason ?? '', /version 0\.0\.1\+conv\.0 → /);
    assert.equal(listModels(copy).find((m) => m.id === 'blazeface')?.status, 'ok');
  });
});

describe('modelsCommand', () => {
  const lines: string[] = [];
  let dir: string;
  const ctx = () => ({ dir, out: (line: string) => lines.push(line), logger });

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-models-cli-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints usage and exits 2 for an unknown subcommand, a bad flag or none', async () => {
    for (const argv of [['convert'], ['build', '--fast'], [], ['constructor']]) {
      lines.length = 0;
      assert.equal(await modelsCommand(argv, ctx()), 2, argv.join(' '));
      assert.match(lines.join('\n'), /^usage: affectcast models <command>/);
    }
  });

  it('verify fails (exit 1) on an empty folder, build fills it, list and verify then pass', async () => {
    lines.length = 0;
    assert.equal(await modelsCommand(['verify'], ctx()), 1);
    assert.equal(lines.filter((l) => l.startsWith('FAIL')).length, IDS.length);
    assert.match(lines.join('\n'), /MODEL_MISSING/);

    lines.length = 0;
    assert.equal(await modelsCommand(['build'], ctx()), 0);
    assert.match(lines.at(-1) ?? '', /4 converted, 0 unchanged/);

    lines.length = 0;
    assert.equal(await modelsCommand(['list'], ctx()), 0);
    for (const id of IDS) assert.ok(lines.some((l) => l.startsWith(id) && / ok /.test(l)), `list line for ${id}: ${lines.join('\n')}`);

    lines.length = 0;
    assert.equal(await modelsCommand(['verify'], ctx()), 0);
    assert.equal(lines.filter((l) => l.startsWith('ok')).length, IDS.length);
  });
});
