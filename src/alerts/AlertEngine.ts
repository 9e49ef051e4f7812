// Evaluates a room's alert rules on each AffectEvent. A rule fires once when its condition has held without
// interruption for `forS` seconds (measured on the events' own clock, capturedAt), and re-arms as soon as the
// condition stops holding. Per-face rules track each (stream, face); face-lost tracks each stream.
// Pure bookkeeping: the caller records and announces what fires.
import type { AffectEvent, FaceAffect } from '../contracts/affect.js';
import type { AlertRule } from '../contracts/session.js';

export interface FiredAlert {
  at: number;
  rule: AlertRule;
  peerId: string;
  faceId: number | null;
  /** Without the participant's name (the caller adds it). */
  description: string;
}

interface Condition {
  since: number;
  fired: boolean;
}

function holds(rule: AlertRule, face: FaceAffect): boolean {
  switch (rule.kind) {
    case 'valence-below':
      return face.valence !== null && face.valence < rule.threshold;
    case 'arousal-above':
      return face.arousal !== null && face.arousal > rule.threshold;
    case 'expression-above':
      return face.expression !== null && face.expression.probs[rule.expression] > rule.threshold;
    case 'face-lost':
      return false;
  }
}

function describe(rule: AlertRule): string {
  switch (rule.kind) {
    case 'valence-below':
      return `valence below ${rule.threshold} for ${rule.forS} s`;
    case 'arousal-above':
      return `arousal above ${rule.threshold} for ${rule.forS} s`;
    case 'expression-above':
      return `${rule.expression} above ${rule.threshold} for ${rule.forS} s`;
    case 'face-lost':
      return `no face for ${rule.forS} s`;
  }
}

export class AlertEngine {
  /** `${producerId}|${faceId}|${ruleId}` (faceId '-' for face-lost) → condition state. */
  readonly #conditions = new Map<string, Condition>();

  /** Returns the alerts that fire with this event. */
  evaluate(event: AffectEvent, rules: readonly AlertRule[]): FiredAlert[] {
    const fired: FiredAlert[] = [];
    const at = event.capturedAt;
    const step = (key: string, holding: boolean, rule: AlertRule, faceId: number | null) => {
      if (!holding) {
        this.#conditions.delete(key);
        return;
      }
      let condition = this.#conditions.get(key);
      if (!condition) {
        condition = { since: at, fired: false };
        this.#conditions.set(key, condition);
      }
      if (!condition.fired && at - condition.since >= rule.forS * 1000) {
        condition.fired = true;
        fired.push({ at, rule, peerId: event.peerId, faceId, description: describe(rule) });
      }
    };
    for (const rule of rules) {
      if (rule.kind === 'face-lost') {
        step(`${event.producerId}|-|${rule.id}`, event.faces.length === 0, rule, null);
        continue;
      }
      const present = new Set<number>();
      for (const face of event.faces) {
        present.add(face.faceId);
        step(`${event.producerId}|${face.faceId}|${rule.id}`, holds(rule, face), rule, face.faceId);
      }
      // A face that is gone no longer holds any condition.
      for (const key of this.#conditions.keys()) {
        const [producer, face, ruleId] = key.split('|');
        if (producer === event.producerId && ruleId === rule.id && face !== '-' && !present.has(Number(face))) this.#conditions.delete(key);
      }
    }
    return fired;
  }

  /** The stream ended: forget its conditions. */
  streamEnded(producerId: string): void {
    for (const key of this.#conditions.keys()) if (key.startsWith(`${producerId}|`)) this.#conditions.delete(key);
  }

  /** Rules changed: every condition starts over. */
  reset(): void {
    this.#conditions.clear();
  }
}
