// The avmt face crop must be the pixels the network was trained on: the antialiased 112 → 96 resize equals
// torch's (models/avmt/data/images.py), and the alignment puts the detected eyes, nose and mouth on the
// template's points.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { FaceAligner } from '../../../src/analyzer/avmt/alignFace.js';
import { resizeAntialiased } from '../../../src/analyzer/image/antialiasResize.js';
import { KP, type FaceDetection } from '../../../src/analyzer/face/FaceDetection.js';
import { PYTHON, maxAbsDiff, readF32 } from './python.js';

type Pt = [number, number];
const TEMPLATE: Record<'leftEye' | 'rightEye' | 'nose' | 'mouthLeft' | 'mouthRight', Pt> = {
  leftEye: [38.2946, 51.6963],
  rightEye: [73.5318, 51.5014],
  nose: [56.0252, 71.7366],
  mouthLeft: [41.5493, 92.3655],
  mouthRight: [70.7299, 92.2041],
};

test("the 112 → 96 downscale equals torch's antialiased bilinear interpolate", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affectcast-aa-'));
  try {
    const script = `
import numpy as np, torch, torch.nn.functional as F
g = torch.Generator().manual_seed(3)
x = torch.rand(1, 3, 112, 112, generator=g) * 255
y = F.interpolate(x, size=(96, 96), mode='bilinear', align_corners=False, antialias=True)
x[0].permute(1, 2, 0).numpy().astype('<f4').tofile('${dir}/in.f32')
y[0].permute(1, 2, 0).numpy().astype('<f4').tofile('${dir}/out.f32')`;
    const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = new Float32Array(96 * 96 * 3);
    resizeAntialiased(readF32(dir, 'in.f32'), 112, 112, out, 96, 96);
    // torch accumulates in float32: ~1e-3 on a 0..255 scale is its rounding, not a different filter
    assert.ok(maxAbsDiff(out, readF32(dir, 'out.f32')) < 5e-3);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('alignment maps the detected landmarks onto the template, whatever the face pose in the frame', () => {
  // A synthetic frame: a bright dot at each landmark of a face rotated by 20° and scaled ×2.3, elsewhere dark.
  const width = 400;
  const height = 300;
  const angle = (20 * Math.PI) / 180;
  const scale = 2.3;
  const place = ([x, y]: readonly [number, number]) => ({
    x: 200 + scale * (Math.cos(angle) * (x - 56) - Math.sin(angle) * (y - 72)),
    y: 150 + scale * (Math.sin(angle) * (x - 56) + Math.cos(angle) * (y - 72)),
  });
  const mouth: Pt = [(TEMPLATE.mouthLeft[0] + TEMPLATE.mouthRight[0]) / 2, (TEMPLATE.mouthLeft[1] + TEMPLATE.mouthRight[1]) / 2];
  const keypoints = [place(TEMPLATE.leftEye), place(TEMPLATE.rightEye), place(TEMPLATE.nose), place(mouth), { x: 0, y: 0 }, { x: 0, y: 0 }];
  const data = new Uint8Array(width * height * 3);
  for (const p of keypoints.slice(0, 4)) {
    for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) data.fill(255, ((Math.round(p.y) + dy) * width + Math.round(p.x) + dx) * 3, ((Math.round(p.y) + dy) * width + Math.round(p.x) + dx) * 3 + 3);
  }
  const detection: FaceDetection = { box: { x: 100, y: 50, width: 200, height: 200 }, keypoints, score: 0.9 };
  assert.equal(keypoints[KP.rightEye], keypoints[0]);
  const aligner = new FaceAligner({ face: { size: [96, 96], template112: TEMPLATE } });
  const out = new Float32Array(3 * 96 * 96);
  aligner.align({ width, height, data }, detection, out, 0);
  // every landmark is bright at its template position (scaled to 96); a point between them is dark
  const at = (x: number, y: number) => out[Math.round((y * 96) / 112) * 96 + Math.round((x * 96) / 112)] as number;
  for (const [x, y] of [TEMPLATE.leftEye, TEMPLATE.rightEye, TEMPLATE.nose, mouth]) assert.ok(at(x, y) > 0.3, `landmark at (${x}, ${y})`);
  assert.ok(at(56, 40) < -0.9, 'forehead is dark');
  assert.ok(Math.min(...out) >= -1 && Math.max(...out) <= 1);
});
