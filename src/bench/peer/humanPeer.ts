// The peer the bench compares against: @vladmandic/human's face detector and emotion model, in Node, on
// the same decoded frames and the same thread budget as affectcast's analyzer (one human per thread, all
// threads working at once; see humanWorker.ts for the backend). Faces per second over all threads.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PROJECT_ROOT } from '../../config/schema.js';
import { AffectcastError } from '../../contracts/errors.js';
import type { HumanFrame, HumanWorkerData, HumanWorkerReply } from './humanProtocol.js';

export interface PeerResult {
  name: string;
  facesPerSecond: number;
  backend: string;
  threads: number;
  framesPerThread: number;
  facesPerFrame: number;
}

/** As the inference pool starts its threads: the compiled .js sibling, or the .ts through tsx's loader. */
function startWorker(data: HumanWorkerData): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./humanWorker.js', import.meta.url), { workerData: data });
  const entry = new URL('./humanWorker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true, workerData: data });
}

function next(worker: Worker): Promise<HumanWorkerReply> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: HumanWorkerReply) => {
      worker.off('error', onError);
      if (message.type === 'error') reject(new AffectcastError('INTERNAL', `the peer (@vladmandic/human) failed: ${message.message}`));
      else resolve(message);
    };
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      reject(error);
    };
    worker.once('message', onMessage);
    worker.once('error', onError);
  });
}

export async function runHumanPeer(frames: readonly HumanFrame[], options: { threads: number; maxFaces: number; minFaceScore: number }): Promise<PeerResult> {
  const human = path.join(PROJECT_ROOT, 'node_modules', '@vladmandic', 'human');
  const wasm = path.join(PROJECT_ROOT, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
  const data: HumanWorkerData = {
    frames: [...frames],
    humanModule: path.join(human, 'dist', 'human.node-wasm.js'),
    modelBasePath: `${pathToFileURL(path.join(human, 'models')).href}/`,
    wasmPath: `${wasm}${path.sep}`,
    maxFaces: options.maxFaces,
    minFaceScore: options.minFaceScore,
  };
  const workers = Array.from({ length: options.threads }, () => startWorker(data));
  try {
    const ready = await Promise.all(workers.map(next));
    const first = ready[0];
    const backend = first?.type === 'ready' ? `${first.backend}${first.simd ? '+simd' : ''}${first.multithread ? '+threads' : ''}` : 'unknown';
    const start = performance.now();
    const done = await Promise.all(
      workers.map((worker) => {
        const reply = next(worker);
        worker.postMessage('go');
        return reply;
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const faces = done.reduce((n, r) => n + (r.type === 'done' ? r.withEmotion : 0), 0);
    const analysed = done.reduce((n, r) => n + (r.type === 'done' ? r.frames : 0), 0);
    return {
      name: `@vladmandic/human ${(JSON.parse(fs.readFileSync(path.join(human, 'package.json'), 'utf8')) as { version: string }).version} (BlazeFace + emotion)`,
      facesPerSecond: Math.round((faces / seconds) * 10) / 10,
      backend,
      threads: workers.length,
      framesPerThread: frames.length,
      facesPerFrame: analysed > 0 ? Math.round((faces / analysed) * 100) / 100 : 0,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
