// AffectEvent v1: what the analyzer publishes on socket.io /affect and what recordings store.
// The schema is the contract; the TypeScript types are inferred from it so they cannot drift apart.
import { z } from 'zod';
import { ACTION_UNITS, BLENDSHAPES, EXPRESSIONS } from './labels.js';

const unit = z.number().min(0).max(1);
const signedUnit = z.number().min(-1).max(1);
/** 'model:<id>@<version>', 'untrained:model:<id>@<version>', 'estimator:<name>' or 'unavailable' (see provenance.ts). */
const provenance = z.string().regex(/^((untrained:)?model:[a-z0-9][a-z0-9-]*@[^\s]+|estimator:[a-z0-9][a-z0-9.-]*|unavailable)$/);

export const ExpressionSchema = z.enum(EXPRESSIONS);
export const ActionUnitSchema = z.enum(ACTION_UNITS);

const expressionProbs = z.object(
  Object.fromEntries(EXPRESSIONS.map((e) => [e, unit])) as Record<(typeof EXPRESSIONS)[number], typeof unit>,
);
const actionUnitProbs = z.object(
  Object.fromEntries(ACTION_UNITS.map((a) => [a, unit])) as Record<(typeof ACTION_UNITS)[number], typeof unit>,
);

export const FaceAffectSchema = z.object({
  /** Stable while the face is tracked within one producer's stream. */
  faceId: z.number().int().nonnegative(),
  /** x, y, width, height normalised to the video frame (0..1). */
  box: z.tuple([unit, unit, unit, unit]),
  /** Detector confidence; on a frame where the face was followed by its landmarks instead, the landmark model's face presence. */
  score: unit,
  valence: signedUnit.nullable(),
  arousal: signedUnit.nullable(),
  aus: actionUnitProbs.nullable(),
  /** null when the profile has no trained source for expressions (provenance.expression is then 'unavailable'). */
  expression: z.object({ label: ExpressionSchema, probs: expressionProbs }).nullable(),
  /**
   * Optional (config analyzer.blendshapes, off by default): MediaPipe's 52 blendshape scores, named as ARKit
   * names them, for avatars or users who want the raw channels. Same source as the AUs (provenance.au).
   */
  blendshapes: z.object(Object.fromEntries(BLENDSHAPES.map((b) => [b, unit])) as Record<(typeof BLENDSHAPES)[number], typeof unit>).optional(),
  /** Which model or named estimator produced each group of values, or 'unavailable'. */
  provenance: z.object({ va: provenance, au: provenance, expression: provenance }),
  /**
   * Optional, additive to v1: present when smoothing is on (config analyzer.smoothing), the values as the
   * models gave them for this frame, before the per-face One-Euro filter that produced valence, arousal, aus
   * and expression above. Recordings and exports keep both.
   */
  raw: z
    .object({
      valence: signedUnit.nullable(),
      arousal: signedUnit.nullable(),
      aus: actionUnitProbs.nullable(),
      expression: expressionProbs.nullable(),
    })
    .optional(),
});

export const AffectEventSchema = z.object({
  v: z.literal(1),
  roomId: z.string().min(1),
  peerId: z.string().min(1),
  producerId: z.string().min(1),
  /** ms since epoch when the frame reached the server (left the decoder). */
  capturedAt: z.number(),
  /** capturedAt → emit, in ms. */
  latencyMs: z.number().nonnegative(),
  model: z.object({ id: z.string().min(1), version: z.string().min(1) }),
  faces: z.array(FaceAffectSchema),
});

export type FaceAffect = z.infer<typeof FaceAffectSchema>;
export type AffectEvent = z.infer<typeof AffectEventSchema>;
export type ExpressionProbs = NonNullable<FaceAffect['expression']>['probs'];
export type ActionUnitProbs = NonNullable<FaceAffect['aus']>;
