// Store tests' helpers: a temporary data directory and AffectEvents built from plain numbers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AffectEvent, FaceAffect } from '../../../src/contracts/affect.js';

export function tempDir(prefix = 'affectcast-store-'): { dir: string; [Symbol.dispose](): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, [Symbol.dispose]: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function face(faceId: number, valence: number | null, overrides: Partial<FaceAffect> = {}): FaceAffect {
  return {
    faceId,
    box: [0.25, 0.125, 0.5, 0.5],
    score: 0.9,
    valence,
    arousal: valence === null ? null : 0.1,
    aus: { AU1: 0.1, AU2: 0.2, AU4: 0.3, AU6: 0.4, AU12: 0.5, AU15: 0.6, AU20: 0.7, AU25: 0.8 },
    expression: {
      label: 'happiness',
      probs: { neutral: 0.1, anger: 0.05, disgust: 0.05, fear: 0.05, happiness: 0.6, sadness: 0.1, surprise: 0.05 },
    },
    provenance: { va: 'estimator:circumplex', au: 'estimator:facemesh-geometry', expression: 'model:faceapi-expression@1.0.0' },
    ...overrides,
  };
}

export function event(roomId: string, peerId: string, capturedAt: number, faces: FaceAffect[]): AffectEvent {
  return { v: 1, roomId, peerId, producerId: `video-${peerId}`, capturedAt, latencyMs: 12, model: { id: 'default', version: '1' }, faces };
}
