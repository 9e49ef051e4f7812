// Why a request to the inference server failed, and whether trying again can help: a timeout, a refused or
// broken connection and a 5xx may pass; a 4xx or an answer that breaks the protocol will not.
export type RemoteFailureKind = 'timeout' | 'connection' | 'server' | 'rejected' | 'protocol';

const RETRYABLE: ReadonlySet<RemoteFailureKind> = new Set(['timeout', 'connection', 'server']);

export class RemoteInferenceError extends Error {
  readonly kind: RemoteFailureKind;
  /** The HTTP status, where the server answered. */
  readonly status: number | undefined;

  constructor(kind: RemoteFailureKind, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'RemoteInferenceError';
    this.kind = kind;
    this.status = options.status;
  }

  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
}

/** Anything thrown on the remote path, as a RemoteInferenceError (an unexpected one counts as a protocol error). */
export function asRemoteError(error: unknown): RemoteInferenceError {
  if (error instanceof RemoteInferenceError) return error;
  return new RemoteInferenceError('protocol', error instanceof Error ? error.message : String(error), { cause: error });
}
