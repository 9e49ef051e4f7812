// The dashboard's REST calls: the page's own token as a Bearer header, JSON in and out, and the server's
// { code, message } errors surfaced as ApiError so the page can say exactly what was refused.
import type { ErrorPayload } from '../../contracts/errors.js';

const REQUEST_TIMEOUT_MS = 20_000;

export class ApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(status: number, payload: Partial<ErrorPayload>) {
    super(payload.message ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.code = payload.code ?? 'INTERNAL';
    this.status = status;
  }
}

export class RoomApi {
  readonly #token: string;
  readonly room: string;

  constructor(room: string, token: string) {
    this.room = room;
    this.#token = token;
  }

  /** `path` is relative to /api/rooms/:room (e.g. '/markers'). */
  async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`/api/rooms/${encodeURIComponent(this.room)}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.#token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      // A hung request must not hold the page (the history load holds back live events until it ends).
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: reported below with the status
    }
    if (!response.ok) throw new ApiError(response.status, (parsed ?? { message: text.slice(0, 200) }) as Partial<ErrorPayload>);
    return parsed as T;
  }

  /** A link a browser can follow (downloads): the token travels in the query, since <a> cannot send headers. */
  link(path: string, query: Record<string, string> = {}): string {
    const q = new URLSearchParams({ ...query, token: this.#token });
    return `/api/rooms/${encodeURIComponent(this.room)}${path}?${q.toString()}`;
  }
}
