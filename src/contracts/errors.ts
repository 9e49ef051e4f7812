// The one catalogue of error codes. Codes are stable API: clients switch on them, so never rename one.

export const ERROR_CODES = {
  BAD_REQUEST: 'the message failed validation',
  UNKNOWN_REQUEST: 'no such request',
  UNAUTHORIZED: 'a valid token is required',
  FORBIDDEN: 'the token does not grant this room or action',
  NOT_JOINED: 'join the room first',
  ALREADY_JOINED: 'this connection has already joined a room',
  TRANSPORT_NOT_FOUND: 'no such transport on this peer',
  PRODUCER_NOT_FOUND: 'no such producer in this room',
  CONSUMER_NOT_FOUND: 'no such consumer on this peer',
  CANNOT_CONSUME: 'the client cannot consume this producer with its RTP capabilities',
  MEDIA_ERROR: 'the media server rejected the request',
  ROOM_CLOSED: 'the room is closed',
  LIMIT_REACHED: 'a configured limit is reached',
  SHUTTING_DOWN: 'the server is shutting down',
  LISTEN_FAILED: 'the server could not listen on its address',
  NOT_FOUND: 'no such resource',
  RATE_LIMITED: 'too many requests or failed tokens from this address: wait and retry',
  PURPOSE_REFUSED: "the room's declared purpose may not be analysed under the configured policy",
  CONSENT_REQUIRED: 'the participant has not consented to analysis',
  MODEL_MISSING: 'a required model file is missing or does not match its manifest',
  MODEL_CHECKSUM: 'a model file is not the exact file the code pins (sha256 mismatch)',
  MODEL_UNTRAINED: 'the model export is untrained',
  CONFIG_INVALID: 'the configuration is invalid',
  INTERNAL: 'internal error',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

/** An error that carries a catalogue code; anything else that reaches a boundary is reported as INTERNAL. */
export class AffectcastError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string = ERROR_CODES[code], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AffectcastError';
    this.code = code;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
