// Hand-made AffectEvents with chosen values, published through the app's hub exactly as the analyzer
// publishes them: page tests then know what each widget, timeline and alert must show. Every event is
// checked against the contract's schema, so a fixture can never be something the analyzer could not send.
import { AffectEventSchema, type AffectEvent, type ExpressionProbs, type FaceAffect } from '../../src/contracts/affect.js';
import { ACTION_UNITS, EXPRESSIONS, type Expression } from '../../src/contracts/labels.js';
import type { App } from '../../src/app/App.js';

export interface FaceValues {
  faceId?: number;
  box?: [number, number, number, number];
  /** The top expression and its probability; the rest share what is left evenly. */
  top?: Expression;
  p?: number;
  valence?: number | null;
  arousal?: number | null;
  /** One value for every AU, or null (unavailable). */
  au?: number | null;
}

export function face(values: FaceValues = {}): FaceAffect {
  const top = values.top ?? 'neutral';
  const p = values.p ?? 0.7;
  const rest = (1 - p) / (EXPRESSIONS.length - 1);
  const probs = Object.fromEntries(EXPRESSIONS.map((e) => [e, e === top ? p : rest])) as ExpressionProbs;
  const au = values.au === undefined ? 0.3 : values.au;
  const valence = values.valence === undefined ? 0 : values.valence;
  const arousal = values.arousal === undefined ? 0 : values.arousal;
  return {
    faceId: values.faceId ?? 0,
    box: values.box ?? [0.3, 0.2, 0.4, 0.5],
    score: 0.95,
    valence,
    arousal,
    aus: au === null ? null : (Object.fromEntries(ACTION_UNITS.map((a) => [a, au])) as NonNullable<FaceAffect['aus']>),
    expression: { label: top, probs },
    provenance: {
      va: valence === null ? 'unavailable' : 'estimator:circumplex-v1',
      au: au === null ? 'unavailable' : 'estimator:facemesh-au-v1',
      expression: 'model:faceapi-expression@1.0.0',
    },
  };
}

export function affectEvent(roomId: string, peerId: string, faces: FaceAffect[], at = Date.now()): AffectEvent {
  return AffectEventSchema.parse({
    v: 1,
    roomId,
    peerId,
    producerId: `${peerId}-video`,
    capturedAt: at,
    latencyMs: 40,
    model: { id: 'faceapi-expression', version: '1.0.0' },
    faces,
  });
}

/**
 * Adds participants as the SFU and the meeting page do: they join (the hub's room state), consent (the hub
 * drops events of anyone who has not) and their media goes to the analyzer (the recorder learns their names).
 */
export function joinParticipants(app: App, roomId: string, participants: Record<string, string>): void {
  for (const [peerId, displayName] of Object.entries(participants)) {
    app.hub.participantJoined(roomId, { peerId, displayName });
    app.recording.consents.answer(roomId, { id: peerId, displayName }, true);
  }
}

/** What the fork does when a consenting participant's media reaches the analyzer (a session starts or goes on). */
export function analysed(app: App, roomId: string, participants: Record<string, string>): void {
  for (const [peerId, displayName] of Object.entries(participants)) app.recording.recorder.participantAnalysed(roomId, peerId, displayName);
}

/**
 * Publishes `faces(peerId)` for every peer at `hz` until stopped, like a live analyzer. The function is read
 * on every tick, so a test changes what is published by changing what it returns.
 */
export function publishLive(app: App, roomId: string, faces: () => Record<string, FaceAffect[]>, hz = 8): { stop(): void } {
  const tick = () => {
    for (const [peerId, list] of Object.entries(faces())) app.hub.publish(affectEvent(roomId, peerId, list));
  };
  tick();
  const timer = setInterval(tick, 1000 / hz);
  return { stop: () => clearInterval(timer) };
}
