// Prometheus metrics attached from outside: each part tells what it does on its observer (or, for streams,
// its Observables), and these functions count it. No part below the composition root imports prom-client or
// Metrics. Each returns detach(); listeners on a part that closes go with it.
import type { AnalyzerObserver, FrameStages } from '../analyzer/AnalyzerObserver.js';
import type { FailureLimiter } from '../auth/FailureLimiter.js';
import type { InferenceMonitor } from '../inference/ObservedRunner.js';
import type { ForkManager } from '../analyzer/fork/ForkManager.js';
import type { MediaFork } from '../analyzer/fork/MediaFork.js';
import type { TapOffer } from '../contracts/taps.js';
import type { AffectEvent } from '../contracts/affect.js';
import type { ErrorCode } from '../contracts/errors.js';
import type { Recording } from '../server/Recording.js';
import type { Peer } from '../sfu/Peer.js';
import type { Room } from '../sfu/Room.js';
import type { RoomRegistry } from '../sfu/RoomRegistry.js';
import type { SignallingObserver } from '../sfu/signalling/SignallingObserver.js';
import type { WorkerPool } from '../sfu/WorkerPool.js';
import type { Metrics } from './metrics.js';

/** affectcast_rooms and affectcast_peers: open rooms and their joined peers. */
export function attachRoomMetrics(rooms: RoomRegistry, metrics: Metrics): () => void {
  const onRoom = (room: Room) => {
    metrics.rooms.inc();
    const onPeer = () => metrics.peers.inc();
    const onPeerClosed = (_peer: Peer) => metrics.peers.dec();
    room.observer.on('newpeer', onPeer);
    room.observer.on('peerclosed', onPeerClosed);
    room.observer.once('close', () => {
      metrics.rooms.dec();
      room.observer.off('newpeer', onPeer);
      room.observer.off('peerclosed', onPeerClosed);
    });
  };
  rooms.observer.on('newroom', onRoom);
  return () => rooms.observer.off('newroom', onRoom);
}

/** affectcast_media_workers: live mediasoup workers. */
export function attachWorkerMetrics(pool: WorkerPool, metrics: Metrics): () => void {
  const update = () => metrics.workers.set(pool.workers.length);
  update();
  pool.observer.on('newworker', update);
  pool.observer.on('workerdied', update);
  return () => {
    pool.observer.off('newworker', update);
    pool.observer.off('workerdied', update);
  };
}

/** affectcast_media_taps, affectcast_decoded_frames_total and affectcast_unanalysed_streams_total. */
export function attachForkMetrics(forks: ForkManager, metrics: Metrics): () => void {
  const onFork = (fork: MediaFork) => {
    metrics.taps.inc({ kind: fork.kind });
    // Hot and completes when the fork closes: subscribed before the first frame (newfork), gone with the fork.
    if (fork.kind === 'video') fork.frames$.subscribe(() => metrics.decodedFrames.inc());
    const onRestart = () => metrics.decoderRestarts.inc({ kind: fork.kind });
    fork.observer.on('restart', onRestart);
    fork.observer.once('close', () => {
      metrics.taps.dec({ kind: fork.kind });
      fork.observer.off('restart', onRestart);
    });
  };
  const onUnanalysed = (_offer: TapOffer, _reason: string) => metrics.unanalysedStreams.inc();
  forks.observer.on('newfork', onFork);
  forks.observer.on('unanalysed', onUnanalysed);
  return () => {
    forks.observer.off('newfork', onFork);
    forks.observer.off('unanalysed', onUnanalysed);
  };
}

/** Published events and their latency, dropped and failed frames, audio samples analysed. */
export function attachAnalyzerMetrics(observer: AnalyzerObserver, metrics: Metrics): () => void {
  const onPublished = (event: AffectEvent, publishMs: number) => {
    metrics.affectEvents.inc();
    metrics.eventLatency.observe(event.latencyMs);
    metrics.stageDuration.observe({ stage: 'publish' }, publishMs);
  };
  const onDropped = () => metrics.droppedFrames.inc();
  const onFailed = () => metrics.failedFrames.inc();
  const onSamples = (count: number) => metrics.analysedAudioSamples.inc(count);
  const onStages = (stages: FrameStages) => {
    if (stages.decode !== undefined) metrics.stageDuration.observe({ stage: 'decode' }, stages.decode);
    metrics.stageDuration.observe({ stage: 'wait' }, stages.wait);
    // a stage that did not run on this frame (the detector while tracking holds) is not a 0 ms sample
    for (const stage of ['detect', 'mesh', 'expression'] as const) if (stages[stage] > 0) metrics.stageDuration.observe({ stage }, stages[stage]);
  };
  const onTracked = (delta: number) => metrics.trackedFaces.inc(delta);
  observer.on('stages', onStages);
  observer.on('trackedfaces', onTracked);
  observer.on('published', onPublished);
  observer.on('droppedframe', onDropped);
  observer.on('failedframe', onFailed);
  observer.on('audiosamples', onSamples);
  return () => {
    observer.off('published', onPublished);
    observer.off('droppedframe', onDropped);
    observer.off('failedframe', onFailed);
    observer.off('audiosamples', onSamples);
    observer.off('stages', onStages);
    observer.off('trackedfaces', onTracked);
  };
}

/** affectcast_signalling_errors_total by code. */
export function attachSignallingMetrics(observer: SignallingObserver, metrics: Metrics): () => void {
  const onFailed = (code: ErrorCode) => metrics.signallingErrors.inc({ code });
  observer.on('requestfailed', onFailed);
  return () => observer.off('requestfailed', onFailed);
}

/** affectcast_recording_dropped_total, affectcast_recorded_events_total and the record stage (one committed batch). */
export function attachRecordingMetrics(recording: Recording, metrics: Metrics): () => void {
  const onDropped = (count: number) => metrics.recordingDropped.inc(count);
  const onRecorded = (count: number, ms: number) => {
    metrics.recordedEvents.inc(count);
    metrics.stageDuration.observe({ stage: 'record' }, ms);
  };
  recording.observer.on('dropped', onDropped);
  recording.observer.on('recorded', onRecorded);
  return () => {
    recording.observer.off('dropped', onDropped);
    recording.observer.off('recorded', onRecorded);
  };
}

/** affectcast_inference_duration_ms and affectcast_failed_batches_total per model; affectcast_inference_workers. */
export function attachInferenceMetrics(inference: InferenceMonitor, metrics: Metrics): () => void {
  const onRun = (model: string, ms: number) => metrics.inferenceDuration.observe({ model }, ms);
  const onFailed = (model: string) => metrics.failedBatches.inc({ model });
  inference.observer.on('run', onRun);
  inference.observer.on('runfailed', onFailed);
  metrics.workersAlive = () => inference.workers();
  return () => {
    metrics.workersAlive = () => 0;
    inference.observer.off('run', onRun);
    inference.observer.off('runfailed', onFailed);
  };
}

/** affectcast_refused_tokens_total: every refusal the failure limiter counts (sockets, pages, REST). */
export function attachAuthMetrics(failures: FailureLimiter, metrics: Metrics): () => void {
  failures.onFail = () => metrics.refusedTokens.inc();
  return () => {
    failures.onFail = undefined;
  };
}
