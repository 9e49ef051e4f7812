// What the remote backend reports for metrics (attached from outside: this room imports no server code).
import type { EventMap } from '../../events/EnhancedEventEmitter.js';

export interface RemoteRequestEvent {
  model: string;
  /** Where the batch ran: on the server, or locally (circuit open, or the server failed this request). */
  ranOn: 'remote' | 'local';
  /** Requests sent to the server for this batch (0 when it went straight to the local model). */
  attempts: number;
  ms: number;
}

export interface RemoteInferenceEvents extends EventMap {
  request: [RemoteRequestEvent];
  /** One failed attempt that is tried again after `delayMs`. */
  retry: [{ model: string; attempt: number; delayMs: number; reason: string }];
  /** The server stopped serving: every remote model now runs locally. */
  fallback: [{ reason: string; model: string | null }];
  /** The server answers again, its models unchanged: inference goes back to it. */
  recovered: [{ downMs: number }];
}
