// Request/ack over socket.io for page code: resolves with the ack's data, rejects with an AckError that carries
// the server's error code (or TIMEOUT / DISCONNECTED, which never come from the server).
import type { Ack } from '../../contracts/ack.js';

export class AckError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'AckError';
    this.code = code;
  }
}

/** The subset of a socket.io client socket this needs. */
export interface AckSocket {
  readonly connected: boolean;
  emit(event: string, ...args: unknown[]): unknown;
}

export function ackRequest<T>(socket: AckSocket, event: string, data: unknown, timeoutMs = 10_000): Promise<T> {
  if (!socket.connected) return Promise.reject(new AckError('DISCONNECTED', `${event}: not connected`));
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new AckError('TIMEOUT', `${event}: no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.emit(event, data, (ack: Ack<T>) => {
      clearTimeout(timer);
      if (ack?.ok) resolve(ack.data);
      else reject(new AckError(ack?.error?.code ?? 'INTERNAL', `${event}: ${ack?.error?.message ?? 'malformed answer'}`));
    });
  });
}
