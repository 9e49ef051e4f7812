// Alert rules fire once when their condition has held for forS seconds of event time, re-arm when it
// stops holding, track each face separately, and a rule set is validated whole.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertEngine } from '../../../src/alerts/AlertEngine.js';
import { AlertRulesSchema, type AlertRule } from '../../../src/contracts/session.js';
import { event, face } from './fixtures.js';

const LOW: AlertRule = { id: 'low', kind: 'valence-below', threshold: -0.5, forS: 10 };
const LOST: AlertRule = { id: 'lost', kind: 'face-lost', forS: 30 };
const SURPRISE: AlertRule = { id: 'wow', kind: 'expression-above', expression: 'surprise', threshold: 0.5, forS: 2 };

describe('alert engine', { timeout: 10_000 }, () => {
  it('fires valence-below once after 10 s and re-arms when valence recovers', () => {
    const engine = new AlertEngine();
    const at = (s: number, v: number) => engine.evaluate(event('r', 'p', s * 1000, [face(0, v)]), [LOW]);
    assert.equal(at(0, -0.6).length, 0);
    assert.equal(at(9.9, -0.7).length, 0);
    const fired = at(10, -0.6);
    assert.equal(fired.length, 1);
    assert.equal(fired[0]?.faceId, 0);
    assert.equal(fired[0]?.at, 10_000);
    assert.equal(at(15, -0.6).length, 0, 'once per episode');
    assert.equal(at(16, -0.4).length, 0, 'recovered');
    assert.equal(at(17, -0.9).length, 0);
    assert.equal(at(27, -0.9).length, 1, 'a new episode fires again');
  });

  it('an interruption restarts the clock; faces are separate; null valence never holds', () => {
    const engine = new AlertEngine();
    engine.evaluate(event('r', 'p', 0, [face(0, -0.6), face(1, -0.6)]), [LOW]);
    engine.evaluate(event('r', 'p', 5_000, [face(0, 0.2), face(1, -0.6)]), [LOW]);
    const fired = engine.evaluate(event('r', 'p', 10_000, [face(0, -0.6), face(1, -0.6)]), [LOW]);
    assert.deepEqual(fired.map((f) => f.faceId), [1]);
    assert.equal(engine.evaluate(event('r', 'q', 0, [face(0, null)]), [LOW]).length, 0);
    assert.equal(engine.evaluate(event('r', 'q', 20_000, [face(0, null)]), [LOW]).length, 0);
  });

  it('face-lost fires when a stream shows no face for 30 s', () => {
    const engine = new AlertEngine();
    engine.evaluate(event('r', 'p', 0, [face(0, 0)]), [LOST]);
    engine.evaluate(event('r', 'p', 1_000, []), [LOST]);
    assert.equal(engine.evaluate(event('r', 'p', 30_000, []), [LOST]).length, 0);
    const fired = engine.evaluate(event('r', 'p', 31_000, []), [LOST]);
    assert.equal(fired.length, 1);
    assert.equal(fired[0]?.faceId, null);
  });

  it('expression-above uses that expression probability', () => {
    const engine = new AlertEngine();
    const surprised = face(0, 0, { expression: { label: 'surprise', probs: { neutral: 0, anger: 0, disgust: 0, fear: 0, happiness: 0.2, sadness: 0, surprise: 0.8 } } });
    engine.evaluate(event('r', 'p', 0, [surprised]), [SURPRISE]);
    assert.equal(engine.evaluate(event('r', 'p', 2_000, [surprised]), [SURPRISE]).length, 1);
    assert.equal(engine.evaluate(event('r', 'p', 2_000, [face(0, 0)]), [SURPRISE]).length, 0);
  });

  it('rule sets are validated whole, naming the field', () => {
    const issue = (rules: unknown) => {
      const r = AlertRulesSchema.safeParse(rules);
      return r.success ? 'ok' : `${r.error.issues[0]?.path.join('.')}: ${r.error.issues[0]?.message}`;
    };
    assert.equal(issue([LOW, LOST, SURPRISE]), 'ok');
    assert.match(issue([{ ...LOW, threshold: -2 }]), /^0\.threshold/);
    assert.match(issue([{ ...LOW, forS: -1 }]), /^0\.forS/);
    assert.match(issue([LOW, { ...SURPRISE, expression: 'joy' }]), /^1\.expression/);
    assert.match(issue([{ id: 'x', kind: 'mood' }]), /^0\.kind/);
    assert.match(issue([LOW, { ...LOST, id: 'low' }]), /unique/);
  });
});
