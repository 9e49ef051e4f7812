// What decoders hand to the analyzer. Frames are plain RGB so every model crops from the same pixels.

export interface VideoFrame {
  width: number;
  height: number;
  /** rgb24, row-major, width * height * 3 bytes. */
  data: Uint8Array;
  /** ms since epoch when the decoded frame reached Node (the start of the server-side latency budget). */
  capturedAt: number;
  /** The frame's media timestamp (ms from the start of the stream or file), where the decoder knows it. */
  mediaTimeMs?: number;
  /**
   * Live decoder only: ms from ffmpeg reporting the decoded frame to its last byte reaching Node (scaling,
   * output and pipe; ffmpeg's own decoding is not visible from outside).
   */
  decodeMs?: number;
}

export interface PcmChunk {
  /** 16 kHz mono signed 16-bit samples. */
  samples: Int16Array;
  /** ms since epoch when the chunk reached Node. */
  capturedAt: number;
}

export const PCM_SAMPLE_RATE = 16_000;
