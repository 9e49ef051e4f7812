import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyAffine,
  compose,
  invert,
  iou,
  normaliseBox,
  similarityFromPoints,
  squareAround,
  squareCropAffine,
  type Affine,
} from '../../../src/analyzer/image/geometry.js';
import { cropResize, letterboxSquare, warpBilinear, type RgbImage } from '../../../src/analyzer/image/warp.js';
import { noiseFrame } from './support.js';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

function rampImage(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = x * 10;
      data[o + 1] = y * 10;
      data[o + 2] = 7;
    }
  }
  return { width, height, data };
}

describe('geometry', () => {
  it('composes and inverts affine maps', () => {
    const m: Affine = [2, 0.5, 3, -0.25, 1.5, -7];
    const p = { x: 4.5, y: -2 };
    const q = applyAffine(invert(m), applyAffine(m, p));
    close(q.x, p.x, 1e-12);
    close(q.y, p.y, 1e-12);
    const r = applyAffine(compose(m, invert(m)), { x: 1, y: 2 });
    close(r.x, 1, 1e-12);
    close(r.y, 2, 1e-12);
  });

  it('recovers a similarity from point pairs (5-point alignment)', () => {
    const truth = squareCropAffine({ x: 300, y: 200 }, 150, 0.3, 112, 112);
    const template = [
      { x: 38.3, y: 51.7 }, { x: 73.5, y: 51.5 }, { x: 56.0, y: 71.7 }, { x: 41.5, y: 92.4 }, { x: 70.7, y: 92.2 },
    ];
    const found = similarityFromPoints(template, template.map((p) => applyAffine(truth, p)));
    found.forEach((v, i) => close(v, truth[i] as number, 1e-9));
    assert.throws(() => similarityFromPoints([{ x: 1, y: 1 }], [{ x: 2, y: 2 }]));
  });

  it('squares, overlaps and normalises boxes', () => {
    assert.deepEqual(squareAround({ x: 10, y: 20, width: 40, height: 20 }, 1.5), { x: 0, y: 0, width: 60, height: 60 });
    close(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 }), 50 / 150);
    assert.equal(iou({ x: 0, y: 0, width: 1, height: 1 }, { x: 2, y: 2, width: 1, height: 1 }), 0);
    // clamped to the frame: every value stays in 0..1
    assert.deepEqual(normaliseBox({ x: -20, y: 10, width: 100, height: 300 }, 200, 100), [0, 0.1, 0.4, 0.9]);
  });
});

describe('bilinear warp', () => {
  it('reproduces the image exactly when the crop is the whole frame at the same size', () => {
    const img = noiseFrame(13, 9);
    const out = new Float32Array(13 * 9 * 3);
    cropResize(img, { x: 0, y: 0, width: 13, height: 9 }, out, 13, 9);
    assert.deepEqual(Array.from(out), Array.from(img.data));
  });

  it('samples between pixel centres and reads zeros outside the frame', () => {
    const img = rampImage(4, 4);
    const out = new Float32Array(2 * 2 * 3);
    // a 2x2 output over the middle 2x2 pixels, upsampled 1:1 -> exact pixels (1..2, 1..2)
    cropResize(img, { x: 1, y: 1, width: 2, height: 2 }, out, 2, 2);
    assert.deepEqual(Array.from(out.subarray(0, 3)), [10, 10, 7]);
    // half a pixel right: red halfway between columns
    cropResize(img, { x: 1.5, y: 1, width: 2, height: 2 }, out, 2, 2);
    close(out[0] as number, 15, 1e-5);
    // entirely outside: zeros, then scale/offset applies to them (BlazeFace's padding becomes -1)
    cropResize(img, { x: 10, y: 10, width: 2, height: 2 }, out, 2, 2, { scale: 1 / 127.5, offset: -1 });
    assert.ok(out.every((v) => v === -1));
  });

  it('letterboxes a landscape frame into a centred square', () => {
    assert.deepEqual(letterboxSquare(640, 480), { x: 0, y: -80, width: 640, height: 640 });
    const img: RgbImage = { width: 4, height: 2, data: new Uint8Array(4 * 2 * 3).fill(200) };
    const out = new Float32Array(4 * 4 * 3);
    cropResize(img, letterboxSquare(4, 2), out, 4, 4);
    const row = (r: number) => Array.from(out.subarray(r * 12, r * 12 + 12));
    assert.ok(row(0).every((v) => v === 0), 'top padding row is zero');
    assert.ok(row(1).every((v) => v === 200) && row(2).every((v) => v === 200), 'image rows kept');
    assert.ok(row(3).every((v) => v === 0), 'bottom padding row is zero');
  });

  it('rotates with a similarity map (90 degrees turns columns into rows)', () => {
    const img = rampImage(8, 8);
    const out = new Float32Array(8 * 8 * 3);
    warpBilinear(img, squareCropAffine({ x: 4, y: 4 }, 8, Math.PI / 2, 8, 8), out, 8, 8);
    // crop x axis now runs down the frame: red (x ramp) is constant along crop rows, green varies
    for (let u = 0; u < 8; u++) close(out[u * 3 + 1] as number, u * 10, 1e-4);
    for (let u = 0; u < 8; u++) close(out[u * 3] as number, 70, 1e-4);
  });

  it('writes into a batch slot without touching the others', () => {
    const img = noiseFrame(8, 8);
    const out = new Float32Array(2 * 4 * 4 * 3).fill(-5);
    cropResize(img, { x: 0, y: 0, width: 8, height: 8 }, out, 4, 4, { outOffset: 48 });
    assert.ok(out.subarray(0, 48).every((v) => v === -5));
    assert.ok(out.subarray(48).every((v) => v >= 0 && v <= 255));
    assert.throws(() => cropResize(img, { x: 0, y: 0, width: 8, height: 8 }, out, 4, 4, { outOffset: 60 }), /too small/);
  });
});
