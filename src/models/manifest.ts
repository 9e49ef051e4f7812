// One manifest per model file, beside it: models/build/<id>.json next to <file>. The TypeScript converters
// (`affectcast models build`) and the PyTorch exporter (models/avmt) both write this shape, and the server
// refuses to load a model whose file does not match its manifest.
import { z } from 'zod';

const dim = z.union([z.number().int().positive(), z.string().min(1)]);

export const TensorSpecSchema = z
  .object({
    name: z.string().min(1),
    /** Symbolic dims are strings ('N' for batch, 'T' for audio frames). */
    shape: z.array(dim),
    dtype: z.enum(['float32', 'int64', 'int32']),
    /** Class names along the last axis, where the output is a classification. */
    labels: z.array(z.string().min(1)).optional(),
    description: z.string().optional(),
  })
  .strict();

export const ProvenanceSchema = z
  .object({
    /**
     * pretrained: real weights from a named source; trained: weights trained by the project's code on named data;
     * untrained: initialised weights (benchmarks only, refused by the server unless --allow-untrained).
     */
    status: z.enum(['pretrained', 'trained', 'untrained']),
    /** Where the weights come from, e.g. 'npm @vladmandic/face-api@1.7.15 model/face_expression_model.bin'. */
    source: z.string().min(1),
    licence: z.string().min(1),
    /** Per-head status, where heads differ (e.g. a real expression head beside untrained VA/AU heads). */
    heads: z.record(z.string(), z.enum(['pretrained', 'trained', 'untrained'])).optional(),
    training: z
      .object({
        data: z.string(),
        epochs: z.number().int().nonnegative(),
        /** Labelled training frames per head ('va', 'au', 'expr', 'au.AU20', ...): what makes a head count as trained. */
        labelled: z.record(z.string(), z.number().int().nonnegative()).optional(),
        metrics: z.record(z.string(), z.number()),
      })
      .strict()
      .optional(),
    notes: z.string().optional(),
  })
  .strict();

export const ModelManifestSchema = z
  .object({
    manifestVersion: z.literal(1),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.string().min(1),
    /** File name relative to the manifest's directory. */
    file: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.number().int().positive(),
    inputs: z.array(TensorSpecSchema).min(1),
    outputs: z.array(TensorSpecSchema).min(1),
    /** How inputs must be prepared, exactly as the weights were trained; free-form but specific. */
    preprocessing: z.record(z.string(), z.unknown()),
    provenance: ProvenanceSchema,
    createdBy: z.string().min(1),
  })
  .strict();

export type TensorSpec = z.infer<typeof TensorSpecSchema>;
export type ModelManifest = z.infer<typeof ModelManifestSchema>;
export type ModelProvenance = z.infer<typeof ProvenanceSchema>;
