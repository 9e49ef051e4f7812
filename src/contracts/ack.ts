import type { ErrorPayload } from './errors.js';

/** Every request over socket.io is answered by exactly one ack of this shape. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ErrorPayload };
export type AckCallback<T> = (ack: Ack<T>) => void;
