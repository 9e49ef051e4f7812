// Enforces store.retentionDays: deletes sessions that ended longer ago (and older consent records), at start
// and then hourly. Open sessions are never deleted.
import type { Logger } from '../log/logger.js';
import type { Store } from './Store.js';

export const RETENTION_CHECK_MS = 3_600_000;

export class Retention {
  readonly #store: Store;
  readonly #days: number;
  readonly #log: Logger;
  readonly #timer: NodeJS.Timeout;

  constructor(store: Store, days: number, logger: Logger) {
    this.#store = store;
    this.#days = days;
    this.#log = logger.child({ component: 'retention' });
    this.enforce();
    this.#timer = setInterval(() => this.enforce(), RETENTION_CHECK_MS).unref();
  }

  /** Returns how many sessions were deleted. */
  enforce(now: number = Date.now()): number {
    if (this.#store.closed) return 0;
    try {
      const deleted = this.#store.deleteEndedBefore(now - this.#days * 86_400_000);
      if (deleted > 0) this.#log.info({ sessions: deleted, retentionDays: this.#days }, 'deleted expired recordings');
      return deleted;
    } catch (error) {
      this.#log.error({ err: error }, 'could not enforce retention');
      return 0;
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
