// Watches a running App from the outside, as its clients would see it: every AffectEvent the hub publishes
// (per stream: how many, their frame→event latency, how many faces), and, for the one pixel-stamped stream,
// the sender time read from each decoded frame, so that an event of that frame gives its end-to-end time.
import type { Subscription } from 'rxjs';
import type { MediaFork } from '../analyzer/fork/MediaFork.js';
import type { AffectEvent } from '../contracts/affect.js';
import type { App } from '../app/App.js';
import { readStamp } from './pixelStamp.js';

export interface StreamTally {
  events: number;
  faces: number;
  latencyMs: number[];
}

export interface ProbeWindow {
  /** Per producer id, since the last reset. */
  streams: Map<string, StreamTally>;
  /** Emit time minus the sender's stamp, for the stamped stream's events since the last reset. */
  endToEndMs: number[];
}

/** How long a decoded frame's stamp is kept waiting for its event: far longer than any analysis takes. */
const STAMP_KEEP_MS = 10_000;

export class StreamProbe {
  readonly #app: App;
  readonly #stamped: { producerId: string | undefined; width: number; height: number };
  /** capturedAt → sender time, of the stamped stream's decoded frames. */
  readonly #sentAt = new Map<number, number>();
  readonly #frameSubscriptions = new Map<MediaFork, Subscription>();
  readonly #onAffect = (event: AffectEvent) => this.#record(event);
  readonly #onFork = (fork: MediaFork) => this.#watch(fork);
  #window: ProbeWindow = { streams: new Map(), endToEndMs: [] };
  #closed = false;

  constructor(app: App, sentSize: { width: number; height: number }) {
    this.#app = app;
    this.#stamped = { producerId: undefined, ...sentSize };
    app.hub.on('affect', this.#onAffect);
    app.forks.observer.on('newfork', this.#onFork);
  }

  /** The producer whose frames carry the pixel stamp. */
  set stampedProducerId(id: string) {
    this.#stamped.producerId = id;
    for (const fork of this.#app.forks.forks.values()) this.#watch(fork);
  }

  /** Starts a new measuring window; returns the one that ended. */
  reset(): ProbeWindow {
    const ended = this.#window;
    this.#window = { streams: new Map(), endToEndMs: [] };
    return ended;
  }

  /** Events seen for `producerId` in the current window. */
  events(producerId: string): number {
    return this.#window.streams.get(producerId)?.events ?? 0;
  }

  /** Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#app.hub.off('affect', this.#onAffect);
    this.#app.forks.observer.off('newfork', this.#onFork);
    for (const subscription of this.#frameSubscriptions.values()) subscription.unsubscribe();
    this.#frameSubscriptions.clear();
  }

  #watch(fork: MediaFork): void {
    if (this.#closed || fork.kind !== 'video' || fork.producerId !== this.#stamped.producerId || this.#frameSubscriptions.has(fork)) return;
    const subscription = fork.frames$.subscribe((frame) => {
      const sentAt = readStamp(frame, this.#stamped.width, this.#stamped.height);
      if (sentAt !== undefined) this.#sentAt.set(frame.capturedAt, sentAt);
      for (const capturedAt of this.#sentAt.keys()) {
        if (capturedAt >= frame.capturedAt - STAMP_KEEP_MS) break; // a Map iterates in insertion order
        this.#sentAt.delete(capturedAt);
      }
    });
    this.#frameSubscriptions.set(fork, subscription);
    fork.observer.once('close', () => {
      subscription.unsubscribe();
      this.#frameSubscriptions.delete(fork);
    });
  }

  #record(event: AffectEvent): void {
    let tally = this.#window.streams.get(event.producerId);
    if (!tally) {
      tally = { events: 0, faces: 0, latencyMs: [] };
      this.#window.streams.set(event.producerId, tally);
    }
    tally.events++;
    tally.faces += event.faces.length;
    tally.latencyMs.push(event.latencyMs);
    if (event.producerId !== this.#stamped.producerId) return;
    const sentAt = this.#sentAt.get(event.capturedAt);
    if (sentAt !== undefined) this.#window.endToEndMs.push(event.capturedAt + event.latencyMs - sentAt);
  }
}
