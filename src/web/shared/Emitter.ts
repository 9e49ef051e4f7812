// A small typed event emitter for page code (events as tuple maps, like the server's EnhancedEventEmitter).
// A listener that throws is reported on the console and does not stop the others.
export type EventMap = Record<string, unknown[]>;

type AnyListener = (...args: unknown[]) => void;

export class Emitter<E extends EventMap> {
  readonly #listeners = new Map<keyof E, Set<AnyListener>>();

  /** Returns a function that removes the listener. */
  on<K extends keyof E>(event: K, listener: (...args: E[K]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    const stored = listener as unknown as AnyListener;
    set.add(stored);
    return () => set.delete(stored);
  }

  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        listener(...args);
      } catch (error) {
        console.error(`listener for ${String(event)} failed`, error);
      }
    }
  }
}
