import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AffectEvent } from '../../../src/contracts/affect.js';
import { AffectHub } from '../../../src/overlay/AffectHub.js';

function event(peerId: string, producerId: string, capturedAt = Date.now()): AffectEvent {
  return { v: 1, roomId: 'r1', peerId, producerId, capturedAt, latencyMs: 5, model: { id: 'm', version: '1' }, faces: [] };
}

test('the room state holds the participants and the latest event of each live stream', () => {
  const hub = new AffectHub();
  hub.participantJoined('r1', { peerId: 'p1', displayName: 'Ada' });
  hub.publish(event('p1', 'v1', 1));
  hub.publish(event('p1', 'v1', 2));
  hub.publish(event('p1', 'v2', 3));
  const state = hub.state('r1');
  assert.deepEqual(state.participants, [{ peerId: 'p1', displayName: 'Ada' }]);
  assert.deepEqual(state.latest.map((e) => [e.producerId, e.capturedAt]), [['v1', 2], ['v2', 3]]);
  assert.deepEqual(hub.state('other').latest, []);
});

test('a participant leaving removes their streams and announces the new state', () => {
  const hub = new AffectHub();
  const states: number[] = [];
  hub.on('roomstate', (s) => states.push(s.participants.length));
  hub.participantJoined('r1', { peerId: 'p1', displayName: 'Ada' });
  hub.participantJoined('r1', { peerId: 'p2', displayName: 'Grace' });
  hub.publish(event('p1', 'v1'));
  hub.publish(event('p2', 'v2'));
  hub.participantLeft('r1', 'p1');
  assert.deepEqual(hub.state('r1').latest.map((e) => e.producerId), ['v2']);
  assert.deepEqual(states, [1, 2, 1]);
});

test('a stream ending is announced once and forgotten', () => {
  const hub = new AffectHub();
  const ended: string[] = [];
  hub.on('streamended', (e) => ended.push(e.producerId));
  hub.publish(event('p1', 'v1'));
  hub.streamEnded('r1', { peerId: 'p1', producerId: 'v1', cause: 'closed' });
  hub.streamEnded('r1', { peerId: 'p1', producerId: 'v1', cause: 'closed' });
  assert.deepEqual(ended, ['v1']);
  assert.deepEqual(hub.state('r1').latest, []);
});

test('a throwing subscriber neither breaks the publisher nor loses the state', () => {
  const hub = new AffectHub();
  const errors: string[] = [];
  hub.onListenerError = (name) => errors.push(name);
  hub.on('affect', () => {
    throw new Error('bad listener');
  });
  hub.publish(event('p1', 'v1'));
  assert.deepEqual(errors, ['affect']);
  assert.equal(hub.state('r1').latest.length, 1);
});

test('a failed analysis is announced with its reason even before any event was published', () => {
  const hub = new AffectHub();
  const ended: Array<{ producerId: string; cause: string; reason?: string | undefined }> = [];
  hub.on('streamended', (e) => ended.push({ producerId: e.producerId, cause: e.cause, reason: e.reason }));
  hub.streamEnded('r1', { peerId: 'p1', producerId: 'quiet', cause: 'closed' });
  hub.streamEnded('r1', { peerId: 'p1', producerId: 'v9', cause: 'failed', reason: 'decoder kept failing' });
  assert.deepEqual(ended, [{ producerId: 'v9', cause: 'failed', reason: 'decoder kept failing' }]);
});
