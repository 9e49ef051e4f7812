// Every call into mediasoup goes through toMediaError() on failure, so the signalling layer only ever sees
// AffectcastErrors: mediasoup's TypeErrors mean the client sent parameters it could not use (BAD_REQUEST);
// anything the worker refused or that failed on a closed entity is MEDIA_ERROR.
import { AffectcastError, type ErrorCode } from '../contracts/errors.js';

export function toMediaError(error: unknown, fallback: ErrorCode = 'MEDIA_ERROR'): AffectcastError {
  if (error instanceof AffectcastError) return error;
  if (error instanceof TypeError) return new AffectcastError('BAD_REQUEST', error.message, { cause: error });
  if (error instanceof Error) return new AffectcastError(fallback, error.message, { cause: error });
  return new AffectcastError('INTERNAL', 'internal error', { cause: error });
}

/** Awaits a mediasoup call and maps its failure (see toMediaError). */
export async function media<T>(call: () => Promise<T>, fallback: ErrorCode = 'MEDIA_ERROR'): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toMediaError(error, fallback);
  }
}
