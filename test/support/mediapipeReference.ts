// MediaPipe's own runtime as a reference: @mediapipe/tasks-vision (WebAssembly, CPU delegate) in headless
// Chromium, with its wasm folder, the vendored .task bundle and the test images served from loopback only.
// Returns, per image, MediaPipe's FaceLandmarker result (478 normalised landmarks, 52 blendshapes) and its
// FaceDetector result (box and 6 keypoints: the detection the landmarker crops from).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PROJECT_ROOT } from '../../src/config/schema.js';
import { BUNDLE_MEMBERS, defaultBundlePath, readBundleBytes } from '../../src/models/tflite/faceLandmarkerBundle.js';
import { readZipMembers } from '../../src/models/tflite/zipMembers.js';
import { launchBrowser } from './browser.js';

export interface MediaPipeFace {
  /** 478 × {x, y, z}, x and y normalised to the image. */
  landmarks: Array<{ x: number; y: number; z: number }>;
  /** 52 scores in MediaPipe's output order. */
  blendshapes: number[];
}

export interface MediaPipeDetection {
  box: { x: number; y: number; width: number; height: number };
  /** 6 keypoints, normalised to the image: right eye, left eye, nose tip, mouth, right tragion, left tragion. */
  keypoints: Array<{ x: number; y: number }>;
  score: number;
}

export interface MediaPipeResult {
  width: number;
  height: number;
  faces: MediaPipeFace[];
  detections: MediaPipeDetection[];
}

const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import { FilesetResolver, FaceLandmarker, FaceDetector } from '/vision_bundle.mjs';
const fileset = await FilesetResolver.forVisionTasks('/wasm');
const landmarker = await FaceLandmarker.createFromOptions(fileset, {
  baseOptions: { modelAssetPath: '/face_landmarker.task', delegate: 'CPU' }, runningMode: 'IMAGE', numFaces: 4, outputFaceBlendshapes: true });
const detector = await FaceDetector.createFromOptions(fileset, {
  baseOptions: { modelAssetPath: '/face_detector.tflite', delegate: 'CPU' }, runningMode: 'IMAGE' });
window.analyse = async (url) => {
  const img = new Image(); img.src = url; await img.decode();
  const r = landmarker.detect(img);
  const d = detector.detect(img);
  return {
    width: img.naturalWidth, height: img.naturalHeight,
    faces: r.faceLandmarks.map((lm, i) => ({ landmarks: lm.map((p) => ({ x: p.x, y: p.y, z: p.z })),
      blendshapes: (r.faceBlendshapes[i]?.categories ?? []).map((c) => c.score) })),
    detections: d.detections.map((x) => ({ box: { x: x.boundingBox.originX, y: x.boundingBox.originY, width: x.boundingBox.width, height: x.boundingBox.height },
      keypoints: x.keypoints.map((k) => ({ x: k.x, y: k.y })), score: x.categories[0]?.score ?? 0 })),
  };
};
window.ready = true;
</script>`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.png': 'image/png', '.jpg': 'image/jpeg' };

/** Runs MediaPipe on each image (any file Chromium decodes). */
export async function mediapipeReference(images: readonly string[]): Promise<MediaPipeResult[]> {
  const pkg = path.join(PROJECT_ROOT, 'node_modules', '@mediapipe', 'tasks-vision');
  const bundle = readBundleBytes(defaultBundlePath());
  const detectorModel = readZipMembers(bundle).get('face_detector.tflite');
  if (!detectorModel || !readZipMembers(bundle).has(BUNDLE_MEMBERS.landmarks)) throw new Error('bundle lacks its detector or landmark model');
  const files = new Map<string, { body: Buffer; type: string }>([
    ['/', { body: Buffer.from(PAGE), type: 'text/html' }],
    ['/vision_bundle.mjs', { body: fs.readFileSync(path.join(pkg, 'vision_bundle.mjs')), type: TYPES['.mjs'] ?? '' }],
    ['/face_landmarker.task', { body: bundle, type: 'application/octet-stream' }],
    ['/face_detector.tflite', { body: detectorModel, type: 'application/octet-stream' }],
  ]);
  for (const f of fs.readdirSync(path.join(pkg, 'wasm'))) {
    files.set(`/wasm/${f}`, { body: fs.readFileSync(path.join(pkg, 'wasm', f)), type: TYPES[path.extname(f)] ?? 'application/octet-stream' });
  }
  images.forEach((file, i) => files.set(`/img/${i}${path.extname(file)}`, { body: fs.readFileSync(file), type: TYPES[path.extname(file)] ?? 'image/png' }));
  const server = http.createServer((req, res) => {
    const f = files.get(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    res.writeHead(f ? 200 : 404, { 'content-type': f?.type ?? 'text/plain' }).end(f?.body ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const browser = await launchBrowser({ name: 'mediapipe' });
  try {
    const page = await browser.newPage(`http://127.0.0.1:${port}/`);
    await page.waitForFunction('window.ready === true', undefined, { timeout: 60_000 });
    const results: MediaPipeResult[] = [];
    for (let i = 0; i < images.length; i++) {
      const url = `/img/${i}${path.extname(images[i] ?? '')}`;
      results.push((await page.evaluate(`window.analyse(${JSON.stringify(url)})`)) as MediaPipeResult);
    }
    return results;
  } catch (err) {
    browser.saveLog('mediapipe');
    throw err;
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
