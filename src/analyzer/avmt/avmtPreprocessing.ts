// What the avmt export's manifest says about its inputs, validated once at load: the face template the
// network's training crops were aligned to, the crop sizes, and the trailing audio window.
import { z } from 'zod';
import { AffectcastError } from '../../contracts/errors.js';
import type { ModelManifest } from '../../models/manifest.js';

const point = z.tuple([z.number(), z.number()]);

const AvmtPreprocessingSchema = z.object({
  face: z.object({
    size: z.tuple([z.number().int().positive(), z.number().int().positive()]),
    template112: z.object({ leftEye: point, rightEye: point, nose: point, mouthLeft: point, mouthRight: point }),
  }),
  audio: z.object({ windowMs: z.number().positive(), frames: z.number().int().positive() }).optional(),
});

export type AvmtPreprocessing = z.infer<typeof AvmtPreprocessingSchema>;

export function readAvmtPreprocessing(manifest: ModelManifest): AvmtPreprocessing {
  const parsed = AvmtPreprocessingSchema.safeParse(manifest.preprocessing);
  if (!parsed.success) {
    throw new AffectcastError('MODEL_MISSING', `model '${manifest.id}': its manifest does not describe the face/audio preprocessing: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
