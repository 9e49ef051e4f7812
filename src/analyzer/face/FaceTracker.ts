// Stable face ids within one stream: greedy matching of detections to tracks on IoU and centre distance.
// Ids come from a per-tracker counter and are never reused, so a face that comes back after being lost
// is a new face (and per-face state keyed by id, like the paper network's GRU state, starts fresh).
// A track may also be *followed* (its face found this frame without the detector, e.g. from the previous
// frame's landmarks): it counts as seen, and a detection that matches it is the same face, not a new one.
// No box smoothing: weighted NMS in the detector already averages neighbouring anchors, and any filter
// here would add latency (an EMA with weight a lags by a/(1-a) frames); boxes are passed through as is.
import type { Box } from '../image/geometry.js';
import { boxCentre, iou } from '../image/geometry.js';
import type { FaceDetection } from './FaceDetection.js';

export interface FaceTrackerOptions {
  /** A track unmatched for more than this many consecutive frames is lost. Default 10 (1 s at 10 fps). */
  lostAfterFrames?: number;
  /** Pairs with at least this IoU may match. Default 0.3. */
  minIou?: number;
  /** ...or whose centres are at most this many face sizes apart (fast motion at low fps). Default 0.5. */
  maxCentreDistance?: number;
}

export interface TrackedFace {
  faceId: number;
  detection: FaceDetection;
  /** Frames since the track started (0 on its first frame). */
  age: number;
}

export interface TrackerUpdate {
  /**
   * One entry per detection, in the detections' order, except detections matched to a followed track (the
   * same face, already located) and new faces beyond maxTracks.
   */
  faces: TrackedFace[];
  /** Detections matched to followed tracks: the same faces, seen by the detector too. */
  followedDetections: Array<{ faceId: number; detection: FaceDetection }>;
  /** Ids lost on this frame; they will never be reported again. */
  lost: number[];
}

interface Track {
  id: number;
  box: Box;
  missed: number;
  age: number;
}

export class FaceTracker {
  readonly #lostAfter: number;
  readonly #minIou: number;
  readonly #maxDist: number;
  #tracks: Track[] = [];
  #nextId = 1;

  constructor(options: FaceTrackerOptions = {}) {
    this.#lostAfter = options.lostAfterFrames ?? 10;
    this.#minIou = options.minIou ?? 0.3;
    this.#maxDist = options.maxCentreDistance ?? 0.5;
  }

  /** Ids of the faces currently tracked (including ones missed for a few frames). */
  get activeIds(): number[] {
    return this.#tracks.map((t) => t.id);
  }

  /** Tracks alive, including ones missed for a few frames. */
  get size(): number {
    return this.#tracks.length;
  }

  /**
   * One frame: `detections` (may be empty on a frame the detector skipped) and the boxes of the tracks
   * `followed` this frame by other means. New tracks start only while fewer than `maxTracks` exist, in the
   * detections' order (pass them largest first to keep the largest faces).
   */
  update(
    detections: readonly FaceDetection[],
    options: { followed?: ReadonlyMap<number, Box>; maxTracks?: number } = {},
  ): TrackerUpdate {
    const followed = options.followed ?? new Map<number, Box>();
    for (const track of this.#tracks) {
      const box = followed.get(track.id);
      if (box !== undefined) track.box = box;
    }
    // candidate pairs, cheapest first: cost = (1 - IoU) + centre distance in face sizes
    const pairs: Array<{ t: number; d: number; cost: number }> = [];
    this.#tracks.forEach((track, t) => {
      detections.forEach((det, d) => {
        const overlap = iou(track.box, det.box);
        const a = boxCentre(track.box);
        const b = boxCentre(det.box);
        const size = (Math.max(track.box.width, track.box.height) + Math.max(det.box.width, det.box.height)) / 2;
        const dist = size > 0 ? Math.hypot(a.x - b.x, a.y - b.y) / size : Infinity;
        if (overlap >= this.#minIou || dist <= this.#maxDist) pairs.push({ t, d, cost: 1 - overlap + dist });
      });
    });
    pairs.sort((p, q) => p.cost - q.cost);
    const trackOf = new Array<number>(detections.length).fill(-1);
    const taken = new Set<number>();
    for (const p of pairs) {
      if (trackOf[p.d] !== -1 || taken.has(p.t)) continue;
      trackOf[p.d] = p.t;
      taken.add(p.t);
    }
    const lost: number[] = [];
    const kept: Track[] = [];
    this.#tracks.forEach((track, t) => {
      if (followed.has(track.id)) {
        track.missed = 0;
        track.age++;
        kept.push(track);
      } else if (taken.has(t)) {
        kept.push(track);
      } else if (++track.missed > this.#lostAfter) {
        lost.push(track.id);
      } else {
        track.age++;
        kept.push(track);
      }
    });
    const maxTracks = options.maxTracks ?? Infinity;
    const faces: TrackedFace[] = [];
    const followedDetections: TrackerUpdate['followedDetections'] = [];
    detections.forEach((det, d) => {
      const t = trackOf[d] as number;
      let track = t >= 0 ? this.#tracks[t] : undefined;
      if (track !== undefined && followed.has(track.id)) {
        followedDetections.push({ faceId: track.id, detection: det }); // already located: keep the followed box
        return;
      }
      if (track === undefined) {
        if (kept.length >= maxTracks) return;
        track = { id: this.#nextId++, box: det.box, missed: 0, age: 0 };
        kept.push(track);
      } else {
        track.box = det.box;
        track.missed = 0;
        track.age++;
      }
      faces.push({ faceId: track.id, detection: det, age: track.age });
    });
    this.#tracks = kept;
    return { faces, followedDetections, lost };
  }

  /** Drops every track (e.g. the stream restarted); returns their ids as lost. Ids are still not reused. */
  reset(): number[] {
    const ids = this.activeIds;
    this.#tracks = [];
    return ids;
  }
}
