// What the meeting page exposes on window.affectcastMeeting, for tests and debugging. DOM-free on purpose:
// Node-side tests import these types.
import type { ConsentInfo } from '../../contracts/consent.js';

export type MeetingStatus = 'connecting' | 'joining' | 'joined' | 'left' | 'disconnected' | 'refused';

export interface MeetingError {
  code: string;
  message: string;
}

export interface VideoProbe {
  width: number;
  height: number;
  meanRgb: [number, number, number];
  /** Share of pixels brighter than near-black, 0..1. */
  nonBlack: number;
}

export interface RemoteState {
  displayName: string;
  video: boolean;
  audio: boolean;
  /** Frames presented by the participant's <video> (requestVideoFrameCallback). */
  frames: number;
  width: number;
  height: number;
}

export interface CameraConstraints {
  width?: number;
  height?: number;
  frameRate?: number;
}

export interface ConsentPageState {
  /** What the server said (null until it answered). */
  info: ConsentInfo | null;
  /** This participant's answer (null: not answered yet). */
  granted: boolean | null;
  /** When the server recorded the answer (ISO 8601). */
  at: string | null;
  /** Whether the notice is on screen. */
  shown: boolean;
}

export interface MeetingPageState {
  consent: ConsentPageState;
  status: MeetingStatus;
  joined: boolean;
  roomId: string;
  peerId: string | null;
  displayName: string;
  publishing: { video: string | null; audio: string | null };
  local: { frames: number };
  /** By peer id. */
  remote: Record<string, RemoteState>;
  lastError: MeetingError | null;
  /** Codes of the server's notices so far (closing reasons, ANALYSIS_STOPPED). */
  notices: string[];
  errors: MeetingError[];
  /** performance.now() (ms since navigation) of the first joined / localstream / published / remote frame. */
  marks: Record<string, number>;
  /** Mean colour and non-black share of a participant's video (no peerId: the local preview). */
  probe(peerId?: string): VideoProbe | null;
  leave(): Promise<void>;
  join(): Promise<void>;
  /** Applies constraints to the published camera track (another size, e.g. to test resolution changes). */
  setCamera(constraints: CameraConstraints): Promise<boolean>;
}

export interface MeetingWindow {
  affectcastMeeting: MeetingPageState;
}
