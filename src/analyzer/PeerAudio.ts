// The trailing audio of every peer, for profiles that fuse audio with each face (the paper's A/V network):
// each audio fork's PCM is pushed into its peer's log-mel window; a face reads its peer's window.
import { LogMelWindow } from './audio/LogMelWindow.js';

export class PeerAudio {
  readonly #windowMs: number;
  readonly #windows = new Map<string, LogMelWindow>();
  /** Shared, never pushed: the window of a peer that publishes no audio is silence. */
  readonly #silence: LogMelWindow | undefined;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
    this.#silence = windowMs > 0 ? new LogMelWindow(windowMs) : undefined;
  }

  get enabled(): boolean {
    return this.#windowMs > 0;
  }

  push(peerId: string, samples: Int16Array): void {
    if (!this.enabled) return;
    let window = this.#windows.get(peerId);
    if (!window) this.#windows.set(peerId, (window = new LogMelWindow(this.#windowMs)));
    window.push(samples);
  }

  windowOf(peerId: string): LogMelWindow {
    const window = this.#windows.get(peerId) ?? this.#silence;
    if (!window) throw new Error('this profile reads no audio');
    return window;
  }

  forget(peerId: string): void {
    this.#windows.delete(peerId);
  }
}
