import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AffectEventSchema } from '../../../src/contracts/affect.js';
import { affectEvent } from '../../../src/analyzer/pipeline/affectEvent.js';

it('builds a schema-valid AffectEvent v1 with the latency from the frame to now, never negative', { timeout: 5_000 }, () => {
  const source = { roomId: 'r', peerId: 'p', producerId: 'v', model: { id: 'default', version: '1' } };
  const e = AffectEventSchema.parse(affectEvent(source, { capturedAt: 1_000 }, [], 1_250));
  assert.deepEqual(e, { v: 1, roomId: 'r', peerId: 'p', producerId: 'v', capturedAt: 1_000, latencyMs: 250, model: source.model, faces: [] });
  assert.equal(affectEvent(source, { capturedAt: 2_000 }, [], 1_000).latencyMs, 0);
});
