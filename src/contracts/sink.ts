// Where the analyzer's results go: the analyzer publishes through this interface and knows nothing of who
// listens (the overlay's hub implements it; the composition root hands it over).
import type { AffectEvent } from './affect.js';
import type { StreamEnded } from './overlay.js';

export interface AffectSink {
  /** One analysed frame of one stream. */
  publish(event: AffectEvent): void;
  /** A stream's analysis ended (its producer closed, or the analysis failed, with the reason). */
  streamEnded(roomId: string, ended: StreamEnded): void;
}
