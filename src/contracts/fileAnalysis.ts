// socket.io /file: a dashboard sends a recording it decoded in the browser (ffmpeg.wasm) as RGB frames and
// 16 kHz PCM, and the server analyses them with the live profile into the room's timeline. The server says
// what to decode to (rate, size, audio or not), so the browser never guesses the live path's parameters.
// Messages are small enough for socket.io's message limit: a frame travels in parts of at most FILE_PART_BYTES.
import { z } from 'zod';
import type { AckCallback } from './ack.js';

export const FILE_NAMESPACE = '/file';

/** Largest binary part of one message (the server refuses socket.io messages above 256 kB). */
export const FILE_PART_BYTES = 192 * 1024;

const uploadId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
const bytes = z.instanceof(Uint8Array);

export const FileBeginSchema = z
  .object({
    /** The file's name as the researcher chose it: shown on the dashboard and in exports. */
    name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'control characters are not allowed'),
    /** The researcher confirms holding the consent of the people in the recording. */
    consent: z.literal(true, { error: 'analysing a recording needs the consent of the people in it' }),
    /** Length of the recording as the browser's decoder reads it (ms); bounds what may be sent. */
    durationMs: z.number().positive().max(24 * 3_600_000),
  })
  .strict();

export interface FileBeginReply {
  uploadId: string;
  /** Decode at this rate, with the longest side at most maxSide (aspect kept), as the live decoder does. */
  fps: number;
  maxSide: number;
  /** Whether the profile reads audio: then send 16 kHz mono s16le PCM before the frames it precedes. */
  audio: boolean;
  maxFrames: number;
}

export const FileFrameSchema = z
  .object({
    uploadId,
    /** Frame number from 0, in media order. */
    index: z.number().int().nonnegative(),
    /** Media time of the frame, ms from the start of the recording. */
    t: z.number().nonnegative(),
    width: z.number().int().min(16),
    height: z.number().int().min(16),
    part: z.number().int().nonnegative(),
    parts: z.number().int().min(1).max(64),
    data: bytes,
  })
  .strict();

/** After the last part of a frame: the faces found in it. Earlier parts: faces is null. */
export interface FileFrameReply {
  faces: number | null;
}

export const FileAudioSchema = z
  .object({
    uploadId,
    /** Media time of the first sample, ms; chunks arrive in order and without gaps. */
    t: z.number().nonnegative(),
    /** 16 kHz mono signed 16-bit little-endian samples. */
    pcm: bytes,
  })
  .strict();

export const FileEndSchema = z.object({ uploadId }).strict();

export interface FileEndReply {
  frames: number;
  /** AffectEvents published (one per analysed frame). */
  events: number;
}

export interface FileClientToServerEvents {
  fileBegin: (request: z.input<typeof FileBeginSchema>, ack: AckCallback<FileBeginReply>) => void;
  fileFrame: (request: z.input<typeof FileFrameSchema>, ack: AckCallback<FileFrameReply>) => void;
  fileAudio: (request: z.input<typeof FileAudioSchema>, ack: AckCallback<{ samples: number }>) => void;
  fileEnd: (request: z.input<typeof FileEndSchema>, ack: AckCallback<FileEndReply>) => void;
}

export type FileServerToClientEvents = Record<string, never>;
