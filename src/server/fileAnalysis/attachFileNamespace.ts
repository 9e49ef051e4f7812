// socket.io /file: recordings a dashboard decoded in the browser, analysed by the live profile into the room.
// A dashboard (or admin) token of the room is required; every message is validated and answered by one Ack.
// Bounded: one upload per connection, `limits.fileUploads` on the server, frames per upload by the
// recording's length; an upload idle for FILE_IDLE_MS, or whose connection drops, ends and frees its analyzer.
import { randomBytes } from 'node:crypto';
import type { Namespace, Socket } from 'socket.io';
import { AffectcastError } from '../../contracts/errors.js';
import {
  FileAudioSchema,
  FileBeginSchema,
  FileEndSchema,
  FileFrameSchema,
  FILE_PART_BYTES,
  type FileClientToServerEvents,
  type FileServerToClientEvents,
} from '../../contracts/fileAnalysis.js';
import type { AnalysisProfile } from '../../analyzer/profiles/AnalysisProfile.js';
import type { FailureLimiter } from '../../auth/FailureLimiter.js';
import type { TokenIssuer } from '../../auth/tokens.js';
import type { Logger } from '../../log/logger.js';
import type { AffectHub } from '../../overlay/AffectHub.js';
import type { Recording } from '../Recording.js';
import { requireToken, type AuthedSocketData } from '../../auth/socketAuth.js';
import { answerRequests } from '../answerRequests.js';
import { parseOrThrow } from '../../store/validate.js';
import { FileUpload } from './FileUpload.js';

export type FileNamespace = Namespace<FileClientToServerEvents, FileServerToClientEvents, Record<string, never>, AuthedSocketData>;

/** An upload that sends nothing for this long is ended (a closed tab, a stalled decoder). */
export const FILE_IDLE_MS = 60_000;

export interface FileNamespaceDeps {
  tokens: TokenIssuer;
  failures?: FailureLimiter;
  profile: AnalysisProfile;
  hub: AffectHub;
  recording: Recording;
  analyzer: { fps: number; maxSide: number };
  /** Uploads analysed at once on this server, and the most frames one upload may send. */
  limits: { fileUploads: number; fileFrames: number };
  logger: Logger;
}

export function attachFileNamespace(namespace: FileNamespace, deps: FileNamespaceDeps): () => void {
  const { profile, hub, recording } = deps;
  const log = deps.logger.child({ component: 'file-namespace' });
  requireToken(namespace, deps.tokens, ['dashboard', 'admin'], log, deps.failures);
  /** socket id → its upload and idle timer. */
  const uploads = new Map<string, { upload: FileUpload; idle: NodeJS.Timeout }>();

  const end = (socketId: string, reason: string): FileUpload | undefined => {
    const entry = uploads.get(socketId);
    if (!entry) return undefined;
    uploads.delete(socketId);
    clearTimeout(entry.idle);
    const { upload } = entry;
    upload.close();
    const { roomId, peerId, producerId } = upload.identity;
    hub.streamEnded(roomId, { peerId, producerId, cause: 'closed' });
    hub.participantLeft(roomId, peerId);
    recording.consents.forget(peerId);
    log.info({ roomId, uploadId: upload.identity.uploadId, frames: upload.frames, events: upload.events, reason }, 'recording analysis ended');
    return upload;
  };

  const uploadOf = (socket: Socket, uploadId: string): FileUpload => {
    const entry = uploads.get(socket.id);
    if (!entry || entry.upload.identity.uploadId !== uploadId) throw new AffectcastError('NOT_FOUND', 'no such upload on this connection: send fileBegin first');
    entry.idle.refresh();
    return entry.upload;
  };

  /** The requests of one connection. */
  const requestsOf = (socket: Socket): Record<keyof FileClientToServerEvents, (data: unknown) => unknown> => ({
    fileBegin: (data) => {
      const request = parseOrThrow(FileBeginSchema, data, 'request');
      const roomId = (socket.data as AuthedSocketData).claims.room;
      if (uploads.has(socket.id)) throw new AffectcastError('LIMIT_REACHED', 'this connection is already sending a recording: end it first');
      if (uploads.size >= deps.limits.fileUploads) throw new AffectcastError('LIMIT_REACHED', `${deps.limits.fileUploads} recordings are being analysed on this server: retry when one ends`);
      const uploadId = randomBytes(9).toString('base64url');
      const peerId = `file:${uploadId}`;
      const displayName = `recording: ${request.name}`;
      // The researcher's confirmation is recorded as the recording's consent; a room whose purpose the policy
      // refuses refuses this too (PURPOSE_REFUSED), exactly as for a live participant.
      recording.consents.answer(roomId, { id: peerId, displayName }, true);
      const fps = deps.analyzer.fps;
      const maxFrames = Math.min(deps.limits.fileFrames, Math.ceil((request.durationMs / 1000) * fps) + 2);
      const settings = { uploadId, fps, maxSide: deps.analyzer.maxSide, audio: profile.audioWindowMs > 0, maxFrames };
      const identity = { uploadId, roomId, peerId, producerId: peerId };
      const upload = new FileUpload(identity, profile, settings, request.durationMs, (event) => hub.publish(event));
      const idle = setTimeout(() => end(socket.id, 'idle'), FILE_IDLE_MS);
      idle.unref();
      uploads.set(socket.id, { upload, idle });
      hub.participantJoined(roomId, { peerId, displayName });
      recording.recorder.participantAnalysed(roomId, peerId, displayName);
      log.info({ roomId, uploadId, name: request.name, durationMs: request.durationMs, maxFrames }, 'analysing a recording');
      return settings;
    },
    fileFrame: async (data) => {
      const request = parseOrThrow(FileFrameSchema, data, 'request');
      if (request.data.byteLength > FILE_PART_BYTES) throw new AffectcastError('BAD_REQUEST', `a part holds at most ${FILE_PART_BYTES} bytes`);
      const upload = uploadOf(socket, request.uploadId);
      return { faces: await upload.frame(request) };
    },
    fileAudio: (data) => {
      const request = parseOrThrow(FileAudioSchema, data, 'request');
      if (request.pcm.byteLength > FILE_PART_BYTES) throw new AffectcastError('BAD_REQUEST', `an audio chunk holds at most ${FILE_PART_BYTES} bytes`);
      return { samples: uploadOf(socket, request.uploadId).audio(request.t, request.pcm) };
    },
    fileEnd: (data) => {
      const request = parseOrThrow(FileEndSchema, data, 'request');
      const upload = uploadOf(socket, request.uploadId);
      end(socket.id, 'finished');
      return { frames: upload.frames, events: upload.events };
    },
  });

  namespace.on('connection', (socket) => {
    // One message at a time, in order: a frame's parts, then the next frame.
    answerRequests(socket, requestsOf(socket), log, { ordered: true });
    socket.on('disconnect', () => end(socket.id, 'disconnected'));
  });

  return () => {
    for (const socketId of [...uploads.keys()]) end(socketId, 'server closing');
  };
}
