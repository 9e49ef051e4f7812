// Prometheus metrics for one App (its own Registry, never the global one: two Apps in one process, as in
// tests, must not collide). The composition root updates it from the parts' observers (attachMetrics.ts);
// no part below it imports this file.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  readonly rooms = new Gauge({ name: 'affectcast_rooms', help: 'Open rooms', registers: [this.registry] });
  readonly peers = new Gauge({ name: 'affectcast_peers', help: 'Joined peers', registers: [this.registry] });
  readonly workers = new Gauge({ name: 'affectcast_media_workers', help: 'Live mediasoup workers', registers: [this.registry] });
  readonly unanalysedStreams = new Counter({
    name: 'affectcast_unanalysed_streams_total',
    help: 'Live streams whose analysis stopped or could not start (decoder failures, decoder limit)',
    registers: [this.registry],
  });
  readonly taps = new Gauge({
    name: 'affectcast_media_taps',
    help: 'Producers forked to the analyzer',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly decodedFrames = new Counter({
    name: 'affectcast_decoded_frames_total',
    help: 'Video frames decoded for analysis',
    registers: [this.registry],
  });
  readonly droppedFrames = new Counter({
    name: 'affectcast_dropped_frames_total',
    help: 'Decoded frames skipped because analysis of an earlier frame was still running (latest wins)',
    registers: [this.registry],
  });
  readonly failedFrames = new Counter({
    name: 'affectcast_failed_frames_total',
    help: 'Decoded frames whose analysis threw and were skipped (the stream goes on; logged once per stream)',
    registers: [this.registry],
  });
  readonly analysedAudioSamples = new Counter({
    name: 'affectcast_analysed_audio_samples_total',
    help: '16 kHz PCM samples fed to audio-visual analysis (profiles that read audio)',
    registers: [this.registry],
  });
  readonly affectEvents = new Counter({
    name: 'affectcast_affect_events_total',
    help: 'AffectEvents published',
    registers: [this.registry],
  });
  readonly eventLatency = new Histogram({
    name: 'affectcast_event_latency_ms',
    help: 'Frame reaching the server to AffectEvent published, ms',
    buckets: [5, 10, 20, 35, 50, 75, 100, 150, 250, 500, 1000],
    registers: [this.registry],
  });
  readonly signallingErrors = new Counter({
    name: 'affectcast_signalling_errors_total',
    help: 'Signalling requests answered with an error',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly recordingDropped = new Counter({
    name: 'affectcast_recording_dropped_total',
    help: 'AffectEvents not recorded because the recording queue was full (slow disk) or a write failed',
    registers: [this.registry],
  });

  readonly recordedEvents = new Counter({
    name: 'affectcast_recorded_events_total',
    help: 'AffectEvents recorded: written in a committed transaction (a crash after this loses none of them)',
    registers: [this.registry],
  });

  /**
   * Where a frame's time goes, per stage: decode (ffmpeg reporting the decoded frame → its last byte in Node:
   * the decoder's scaling, output and pipe; its own decoding is not visible from outside), wait (in Node →
   * analysis starts), detect, mesh (FaceMesh V2 + blendshapes), expression (expression and VA nets), publish
   * (the event handed to the hub and its sockets), record (one committed write batch of the recording).
   */
  readonly stageDuration = new Histogram({
    name: 'affectcast_stage_duration_ms',
    help: 'Time per pipeline stage, ms (decode, wait, detect, mesh, expression, publish, record)',
    labelNames: ['stage'] as const,
    buckets: [0.5, 1, 2, 5, 10, 20, 35, 50, 75, 100, 150, 250, 500, 1000],
    registers: [this.registry],
  });
  readonly inferenceDuration = new Histogram({
    name: 'affectcast_inference_duration_ms',
    help: 'One inference run (a batch of one or more rows) per model, request to result (the worker queue included), ms',
    labelNames: ['model'] as const,
    buckets: [0.5, 1, 2, 5, 10, 20, 35, 50, 75, 100, 150, 250, 500, 1000],
    registers: [this.registry],
  });
  readonly failedBatches = new Counter({
    name: 'affectcast_failed_batches_total',
    help: 'Inference runs (batches) that failed; their frames are skipped and the stream goes on',
    labelNames: ['model'] as const,
    registers: [this.registry],
  });
  /** Read when scraped (threads come and go: a dead one is replaced): see workersAlive. */
  readonly inferenceWorkers: Gauge = new Gauge({
    name: 'affectcast_inference_workers',
    help: 'Live inference worker threads',
    registers: [this.registry],
    collect: (): void => this.inferenceWorkers.set(this.workersAlive()),
  });
  /** Set by whoever attaches inference; 0 until then. */
  workersAlive: () => number = () => 0;
  readonly trackedFaces = new Gauge({
    name: 'affectcast_tracked_faces',
    help: 'Faces tracked now, over all analysed streams',
    registers: [this.registry],
  });
  readonly decoderRestarts = new Counter({
    name: 'affectcast_decoder_restarts_total',
    help: 'Decoders restarted after an unexpected exit',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly refusedTokens = new Counter({
    name: 'affectcast_refused_tokens_total',
    help: 'Tokens refused (missing, invalid, expired, revoked or not granting the room or page), on every socket, page and route',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'affectcast_' });
  }
}
