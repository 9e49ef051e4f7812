// The one place an analysed frame becomes an AffectEvent v1: live streams and `affectcast analyze` both
// build their events here, so the two cannot drift apart.
import type { AffectEvent, FaceAffect } from '../../contracts/affect.js';
import type { VideoFrame } from '../media/frames.js';

export interface AffectEventSource {
  roomId: string;
  peerId: string;
  producerId: string;
  /** AffectEvent.model: the profile's model id and version. */
  model: { id: string; version: string };
}

/** The event for `faces` found in `frame`; latency runs from the frame's arrival to `now`. */
export function affectEvent(source: AffectEventSource, frame: Pick<VideoFrame, 'capturedAt'>, faces: FaceAffect[], now = Date.now()): AffectEvent {
  return {
    v: 1,
    roomId: source.roomId,
    peerId: source.peerId,
    producerId: source.producerId,
    capturedAt: frame.capturedAt,
    latencyMs: Math.max(0, now - frame.capturedAt),
    model: source.model,
    faces,
  };
}
