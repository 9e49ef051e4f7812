// A typed EventEmitter whose events are declared as a tuple map ({ close: []; frame: [VideoFrame] }), after
// mediasoup's EnhancedEventEmitter. safeEmit() catches listener errors so that a buggy listener cannot break
// the media path; they are reported through the 'listenererror' hook instead.
import { EventEmitter } from 'node:events';

export type EventMap = Record<string, unknown[]>;

export class EnhancedEventEmitter<E extends EventMap = EventMap> extends EventEmitter {
  /** Called with listener errors caught by safeEmit; set by the owner (usually to log once). */
  onListenerError: ((event: string, error: unknown) => void) | undefined;

  constructor() {
    super();
    this.setMaxListeners(Infinity);
  }

  override emit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    return super.emit(event, ...args);
  }

  safeEmit<K extends keyof E & string>(event: K, ...args: E[K]): boolean {
    try {
      return super.emit(event, ...args);
    } catch (error) {
      this.onListenerError?.(event, error);
      return true;
    }
  }

  override on<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override once<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.once(event, listener as (...args: unknown[]) => void);
  }

  override off<K extends keyof E & string>(event: K, listener: (...args: E[K]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }
}
