// One thread of the peer: @vladmandic/human in Node, its face detector (BlazeFace) and emotion model only,
// on tfjs' WASM backend with SIMD (its best backend reachable without tfjs-node; tfjs-backend-wasm has no
// multi-threaded build for Node, so the thread budget is spent as one single-threaded instance per thread).
// Protocol: workerData = HumanWorkerData; → 'ready' after loading and a warm-up; 'go' → 'done'.
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import type { HumanFrame, HumanWorkerData, HumanWorkerReply } from './humanProtocol.js';

interface HumanResult {
  face: Array<{ emotion?: Array<{ score: number; emotion: string }> }>;
}
interface Tensor {
  dispose(): void;
}
interface HumanLike {
  load(): Promise<void>;
  detect(input: Tensor): Promise<HumanResult>;
  tf: { tensor3d(data: Int32Array, shape: [number, number, number], dtype: 'int32'): Tensor; getBackend(): string; env(): { getFlags(): Record<string, unknown> } };
}

const data = workerData as HumanWorkerData;
const port = parentPort ?? notAWorker();
function notAWorker(): never {
  throw new Error('humanWorker runs as a worker thread');
}
const reply = (message: HumanWorkerReply) => port.postMessage(message);

// human loads its models with fetch(); Node's fetch cannot read file: URLs, so this thread answers those
// from disk (only this worker's global is changed, and only for file: URLs).
const networkFetch = globalThis.fetch;
globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith('file:')) return networkFetch(input, init);
  return new Response(await fs.readFile(new URL(url)));
};

async function main(): Promise<void> {
  // by file: the package's exports map offers its Node WASM build under no valid subpath
  const { Human } = createRequire(import.meta.url)(data.humanModule) as { Human: new (config: object) => HumanLike };
  const human = new Human({
    backend: 'wasm',
    wasmPath: data.wasmPath,
    wasmPlatformFetch: false,
    modelBasePath: data.modelBasePath,
    debug: false,
    async: true,
    warmup: 'none',
    // every frame analysed afresh, as affectcast does: no result caching between similar frames
    cacheSensitivity: 0,
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { enabled: true, rotation: false, maxDetected: data.maxFaces, minConfidence: data.minFaceScore, skipFrames: 0, skipTime: 0 },
      mesh: { enabled: false },
      iris: { enabled: false },
      attention: { enabled: false },
      description: { enabled: false },
      emotion: { enabled: true, skipFrames: 0, skipTime: 0 },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  });
  await human.load();
  const tensors = data.frames.map((f: HumanFrame) => human.tf.tensor3d(Int32Array.from(f.data), [f.height, f.width, 3], 'int32'));
  const pass = async (count: number): Promise<{ faces: number; withEmotion: number }> => {
    let faces = 0;
    let withEmotion = 0;
    for (let i = 0; i < count; i++) {
      const result = await human.detect(tensors[i % tensors.length]!);
      faces += result.face.length;
      withEmotion += result.face.filter((f) => (f.emotion?.length ?? 0) > 0).length;
    }
    return { faces, withEmotion };
  };
  await pass(Math.min(3, tensors.length)); // warm-up: the first runs compile and allocate
  const flags = human.tf.env().getFlags();
  reply({ type: 'ready', backend: human.tf.getBackend(), simd: flags['WASM_HAS_SIMD_SUPPORT'] === true, multithread: flags['WASM_HAS_MULTITHREAD_SUPPORT'] === true });
  port.once('message', () => {
    pass(tensors.length).then(
      (counts) => {
        for (const t of tensors) t.dispose();
        reply({ type: 'done', frames: tensors.length, ...counts });
      },
      (error: unknown) => reply({ type: 'error', message: String(error) }),
    );
  });
}

main().catch((error: unknown) => reply({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
