import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaceTracker } from '../../../src/analyzer/face/FaceTracker.js';
import type { FaceDetection } from '../../../src/analyzer/face/FaceDetection.js';

const face = (x: number, y: number, size = 100, score = 0.9): FaceDetection => ({
  box: { x, y, width: size, height: size },
  keypoints: [],
  score,
});

describe('FaceTracker', () => {
  it('keeps one id while a face moves a little every frame', () => {
    const t = new FaceTracker();
    const ids = new Set<number>();
    for (let i = 0; i < 20; i++) ids.add(t.update([face(100 + 6 * i, 50 + 3 * i)]).faces[0]!.faceId);
    assert.equal(ids.size, 1);
  });

  it('matches fast motion by centre distance when boxes no longer overlap much', () => {
    const t = new FaceTracker();
    const a = t.update([face(0, 0)]).faces[0]!.faceId;
    // moved 33 px right and 33 px down: IoU 0.29 (< 0.3) but the centres are 0.47 face sizes apart
    assert.equal(t.update([face(33, 33)]).faces[0]!.faceId, a);
    // 80 px: neither criterion holds -> a new face, and the old track is kept (missed) for now
    const u = t.update([face(113, 33)]);
    assert.notEqual(u.faces[0]!.faceId, a);
    assert.deepEqual(u.lost, []);
  });

  it('keeps two faces apart and gives each its own id, whatever the detection order', () => {
    const t = new FaceTracker();
    const first = t.update([face(0, 0), face(400, 0)]).faces.map((f) => f.faceId);
    const second = t.update([face(405, 2), face(3, 1)]).faces.map((f) => f.faceId);
    assert.deepEqual(second, [first[1], first[0]]);
    assert.notEqual(first[0], first[1]);
  });

  it('survives a few missed frames, loses the face after N, and never reuses its id', () => {
    const t = new FaceTracker({ lostAfterFrames: 3 });
    const id = t.update([face(0, 0)]).faces[0]!.faceId;
    for (let i = 0; i < 3; i++) assert.deepEqual(t.update([]).lost, [], `miss ${i + 1} of 3 tolerated`);
    assert.equal(t.update([face(5, 0)]).faces[0]!.faceId, id, 'comes back within the budget: same id');
    for (let i = 0; i < 3; i++) t.update([]);
    assert.deepEqual(t.update([]).lost, [id], 'lost on the 4th consecutive miss');
    const again = t.update([face(5, 0)]).faces[0]!.faceId;
    assert.notEqual(again, id, 'a face that returns after being lost is a new face');
    assert.ok(again > id);
    assert.deepEqual(t.reset(), [again]);
    assert.ok(t.update([face(5, 0)]).faces[0]!.faceId > again, 'ids are not reused after reset either');
  });

  it('starts a new track for a new face and leaves the old one alone', () => {
    const t = new FaceTracker();
    const a = t.update([face(0, 0)]).faces[0]!.faceId;
    const u = t.update([face(2, 0), face(600, 300)]);
    assert.equal(u.faces[0]!.faceId, a);
    assert.notEqual(u.faces[1]!.faceId, a);
    assert.equal(u.faces[1]!.age, 0);
    assert.equal(u.faces[0]!.age, 1);
  });

  it('a followed track counts as seen, and a detection of the same face does not start a new one', () => {
    const t = new FaceTracker({ lostAfterFrames: 1 });
    const id = t.update([face(0, 0)]).faces[0]!.faceId;
    for (let i = 1; i <= 3; i++) {
      const u = t.update([], { followed: new Map([[id, face(4 * i, 0).box]]) });
      assert.deepEqual([u.faces, u.lost], [[], []], `followed frame ${i}: nothing new, nothing lost`);
    }
    // the detector runs again: its detection of the followed face is reported as such, a newcomer gets an id
    const u = t.update([face(14, 1), face(500, 0)], { followed: new Map([[id, face(16, 0).box]]) });
    assert.deepEqual(u.followedDetections.map((d) => d.faceId), [id]);
    assert.equal(u.faces.length, 1);
    assert.notEqual(u.faces[0]!.faceId, id);
    assert.equal(t.size, 2);
  });

  it('starts no track beyond maxTracks, in the order the detections come', () => {
    const t = new FaceTracker();
    const u = t.update([face(0, 0, 200), face(400, 0, 100), face(700, 0, 50)], { maxTracks: 2 });
    assert.deepEqual(u.faces.map((f) => f.detection.box.width), [200, 100]);
    assert.equal(t.size, 2);
  });
});
