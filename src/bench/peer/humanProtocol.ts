// Messages between the bench and its @vladmandic/human threads (humanWorker.ts).
export interface HumanFrame {
  width: number;
  height: number;
  /** rgb24 */
  data: Uint8Array;
}

export interface HumanWorkerData {
  frames: HumanFrame[];
  /** Path of human's Node WASM build (dist/human.node-wasm.js). */
  humanModule: string;
  /** file: URL of human's models folder, ending in '/' */
  modelBasePath: string;
  /** tfjs-backend-wasm's dist folder, ending in '/' */
  wasmPath: string;
  maxFaces: number;
  minFaceScore: number;
}

export type HumanWorkerReply =
  | { type: 'ready'; backend: string; simd: boolean; multithread: boolean }
  | { type: 'done'; frames: number; faces: number; withEmotion: number }
  | { type: 'error'; message: string };
