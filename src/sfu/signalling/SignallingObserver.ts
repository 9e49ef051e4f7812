// What /sfu signalling tells whoever monitors it (the composition root counts failed requests by code).
import type { ErrorCode } from '../../contracts/errors.js';
import { EnhancedEventEmitter } from '../../events/EnhancedEventEmitter.js';

export type SignallingObserverEvents = {
  /** A request answered with an error, by catalogue code. */
  requestfailed: [code: ErrorCode];
};

export class SignallingObserver extends EnhancedEventEmitter<SignallingObserverEvents> {}
