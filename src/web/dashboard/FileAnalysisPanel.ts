// "Analyse a recording": the researcher picks a local file, confirms the consent of the people in it, and the
// page decodes it (ffmpeg.wasm) and sends frames and audio over /file, where the live profile analyses them
// into this room's timeline. Each part waits for the server's ack: the server's pace sets the upload's.
import type { Socket } from 'socket.io-client';
import type { Ack } from '../../contracts/ack.js';
import {
  FILE_NAMESPACE,
  FILE_PART_BYTES,
  type FileBeginReply,
  type FileClientToServerEvents,
  type FileEndReply,
  type FileServerToClientEvents,
} from '../../contracts/fileAnalysis.js';
import { connectNamespace } from '../shared/affectSocket.js';
import { requireElement } from '../shared/dom.js';
import { RecordingDecoder } from './RecordingDecoder.js';

type FileSocket = Socket<FileServerToClientEvents, FileClientToServerEvents>;

export interface FileAnalysisState {
  state: 'idle' | 'decoding' | 'done' | 'failed';
  frames: number;
  faces: number;
  error: string | null;
}

const ACK_TIMEOUT_MS = 60_000;

async function request<T>(socket: FileSocket, event: keyof FileClientToServerEvents, payload: unknown): Promise<T> {
  const ack = (await (socket.timeout(ACK_TIMEOUT_MS) as unknown as { emitWithAck(e: string, p: unknown): Promise<Ack<T>> }).emitWithAck(event, payload));
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}

export class FileAnalysisPanel {
  readonly state: FileAnalysisState = { state: 'idle', frames: 0, faces: 0, error: null };
  readonly #token: string;
  readonly #input = requireElement<HTMLInputElement>('file-input');
  readonly #consent = requireElement<HTMLInputElement>('file-consent');
  readonly #button = requireElement<HTMLButtonElement>('file-analyse');
  readonly #progress = requireElement<HTMLProgressElement>('file-progress');
  readonly #status = requireElement<HTMLElement>('file-status');
  #socket: FileSocket | undefined;

  constructor(token: string) {
    this.#token = token;
    const update = () => (this.#button.disabled = this.state.state === 'decoding' || !this.#input.files?.length || !this.#consent.checked);
    this.#input.addEventListener('change', update);
    this.#consent.addEventListener('change', update);
    this.#button.addEventListener('click', () => {
      const file = this.#input.files?.[0];
      if (file) void this.analyse(file).finally(update);
      update();
    });
  }

  async analyse(file: File): Promise<void> {
    Object.assign(this.state, { state: 'decoding', frames: 0, faces: 0, error: null });
    this.#progress.hidden = false;
    this.#progress.value = 0;
    this.#show(`Loading the decoder for ${file.name}…`);
    const socket = (this.#socket ??= connectNamespace<FileServerToClientEvents, FileClientToServerEvents>(FILE_NAMESPACE, this.#token, () => undefined));
    const decoder = new RecordingDecoder();
    let uploadId: string | undefined;
    try {
      const info = await decoder.open(file);
      const plan = await request<FileBeginReply>(socket, 'fileBegin', { name: file.name, consent: true, durationMs: info.durationMs });
      uploadId = plan.uploadId;
      let index = 0;
      let audioMs = 0;
      for await (const segment of decoder.segments(info, plan)) {
        if (segment.pcm) {
          for (let off = 0; off < segment.pcm.byteLength; off += FILE_PART_BYTES) {
            const pcm = segment.pcm.subarray(off, Math.min(segment.pcm.byteLength, off + FILE_PART_BYTES));
            await request(socket, 'fileAudio', { uploadId: plan.uploadId, t: audioMs, pcm });
            audioMs += pcm.byteLength / 32; // 16 samples per ms, 2 bytes each
          }
        }
        for (const [i, data] of segment.frames.entries()) {
          if (index >= plan.maxFrames) break;
          const t = segment.startMs + (i * 1000) / plan.fps;
          const parts = Math.ceil(data.byteLength / FILE_PART_BYTES);
          for (let part = 0; part < parts; part++) {
            const chunk = data.subarray(part * FILE_PART_BYTES, Math.min(data.byteLength, (part + 1) * FILE_PART_BYTES));
            const reply = await request<{ faces: number | null }>(socket, 'fileFrame', {
              uploadId: plan.uploadId, index, t, width: segment.width, height: segment.height, part, parts, data: chunk,
            });
            if (reply.faces !== null) this.state.faces += reply.faces;
          }
          index++;
          this.state.frames = index;
          this.#progress.value = Math.min(1, t / info.durationMs);
          this.#show(`Analysing ${file.name}: ${(t / 1000).toFixed(1)} of ${(info.durationMs / 1000).toFixed(1)} s`);
        }
      }
      const done = await request<FileEndReply>(socket, 'fileEnd', { uploadId: plan.uploadId });
      uploadId = undefined;
      this.state.state = 'done';
      this.#progress.value = 1;
      this.#show(`${file.name}: ${done.frames} frames analysed into this room's timeline.`);
    } catch (error) {
      this.state.state = 'failed';
      this.state.error = error instanceof Error ? error.message : String(error);
      this.#show(`${file.name} could not be analysed: ${this.state.error}`);
      // what was analysed stays in the timeline; the server frees the upload now rather than when it idles out
      if (uploadId !== undefined) await request(socket, 'fileEnd', { uploadId }).catch(() => undefined);
    } finally {
      decoder.close();
    }
  }

  #show(text: string): void {
    this.#status.textContent = text;
  }
}
