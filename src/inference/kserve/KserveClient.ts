// HTTP client of one KServe v2 server: health, metadata and inference, each request bounded by a timeout
// (AbortController) and failing with a RemoteInferenceError that says whether a retry may help. Owns its
// keep-alive sockets: close() aborts what is in flight and destroys them.
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { z } from 'zod';
import type { ModelManifest } from '../../models/manifest.js';
import type { Float32Tensor } from '../InferenceRunner.js';
import {
  ErrorResponseSchema,
  HEADER_LENGTH_FIELD,
  ModelMetadataSchema,
  ServerMetadataSchema,
  type ModelMetadata,
  type ServerMetadata,
} from './protocol.js';
import { RemoteInferenceError } from './RemoteInferenceError.js';
import { decodeInferResponse, encodeInferRequest } from './tensorCodec.js';

export interface KserveClientOptions {
  /**
   * Base URL (config inference.remote.url); a path prefix, as behind a reverse proxy, is kept, and a user and
   * password in it are sent as HTTP basic authentication.
   */
  url: string;
  timeoutMs: number;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The URL without its user and password: what logs and errors show. */
export function displayUrl(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.href;
}

/** An answer larger than this is refused (a full batch of the largest model's outputs is well under 1 MiB). */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

export class KserveClient {
  /** The server's URL as logs may show it (no credentials). */
  readonly url: string;
  readonly #base: URL;
  readonly #timeoutMs: number;
  readonly #agent: http.Agent;
  readonly #closed = new AbortController();

  constructor(options: KserveClientOptions) {
    this.url = displayUrl(options.url);
    this.#base = new URL(options.url);
    this.#timeoutMs = options.timeoutMs;
    const AgentClass = this.#base.protocol === 'https:' ? https.Agent : http.Agent;
    this.#agent = new AgentClass({ keepAlive: true, maxSockets: 32 });
  }

  /** GET /v2: the server's name, version and protocol extensions. */
  async serverMetadata(): Promise<ServerMetadata> {
    return this.#json(await this.#send('GET', '/v2'), ServerMetadataSchema, 'server metadata');
  }

  /** GET /v2/health/ready and /v2/models/{name}/ready: true when the server answers 200 to both. */
  async modelReady(name: string): Promise<boolean> {
    for (const path of ['/v2/health/ready', `/v2/models/${encodeURIComponent(name)}/ready`]) {
      const reply = await this.#send('GET', path);
      if (reply.status >= 500) throw this.#statusError(reply, path);
      if (reply.status !== 200) return false;
    }
    return true;
  }

  /** GET /v2/models/{name}: the model's tensors as the server sees them. */
  async modelMetadata(name: string): Promise<ModelMetadata> {
    return this.#json(await this.#send('GET', `/v2/models/${encodeURIComponent(name)}`), ModelMetadataSchema, `metadata of model '${name}'`);
  }

  /** POST /v2/models/{name}/infer with the binary extension (or JSON values), resolving with every manifest output. */
  async infer(manifest: ModelManifest, feeds: Readonly<Record<string, Float32Tensor>>, binary: boolean): Promise<Record<string, Float32Tensor>> {
    const request = encodeInferRequest(manifest, feeds, binary);
    const path = `/v2/models/${encodeURIComponent(manifest.id)}/infer`;
    const reply = await this.#send('POST', path, request.body, request.headers);
    if (reply.status !== 200) throw this.#statusError(reply, path);
    const headerLength = reply.headers[HEADER_LENGTH_FIELD];
    return decodeInferResponse(manifest, reply.body, Array.isArray(headerLength) ? headerLength[0] : headerLength);
  }

  /** Idempotent: aborts requests in flight and closes the sockets. */
  close(): void {
    if (this.#closed.signal.aborted) return;
    this.#closed.abort();
    this.#agent.destroy();
  }

  #json<S extends z.ZodType>(reply: Reply, schema: S, what: string): z.infer<S> {
    if (reply.status !== 200) throw this.#statusError(reply, what);
    let value: unknown;
    try {
      value = JSON.parse(reply.body.toString('utf8'));
    } catch {
      throw new RemoteInferenceError('protocol', `${this.url}: ${what} is not JSON`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new RemoteInferenceError('protocol', `${this.url}: ${what} does not follow the protocol: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }

  /** 5xx: the server failed (retry may help); anything else: it refused the request. */
  #statusError(reply: Reply, what: string): RemoteInferenceError {
    let detail = '';
    try {
      const parsed = ErrorResponseSchema.safeParse(JSON.parse(reply.body.toString('utf8')));
      if (parsed.success) detail = `: ${parsed.data.error.slice(0, 300)}`;
    } catch {
      // not a JSON error body; the status says enough
    }
    const kind = reply.status >= 500 ? 'server' : 'rejected';
    return new RemoteInferenceError(kind, `${this.url}: ${what} answered ${reply.status}${detail}`, { status: reply.status });
  }

  #send(method: 'GET' | 'POST', path: string, body: readonly Buffer[] = [], headers: Record<string, string> = {}): Promise<Reply> {
    if (this.#closed.signal.aborted) return Promise.reject(new RemoteInferenceError('connection', `${this.url}: the client is closed`));
    const target = new URL(this.#base.pathname.replace(/\/+$/, '') + path, this.#base);
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.#timeoutMs);
    const signal = AbortSignal.any([timeout.signal, this.#closed.signal]);
    const request = target.protocol === 'https:' ? https.request : http.request;
    return new Promise<Reply>((resolve, reject) => {
      const fail = (error: Error) => {
        if (timeout.signal.aborted) reject(new RemoteInferenceError('timeout', `${this.url}: ${method} ${path} took longer than ${this.#timeoutMs} ms`, { cause: error }));
        else if (this.#closed.signal.aborted) reject(new RemoteInferenceError('connection', `${this.url}: the client closed`, { cause: error }));
        else reject(new RemoteInferenceError('connection', `${this.url}: ${method} ${path} failed: ${error.message}`, { cause: error }));
      };
      const req = request(
        target,
        { method, agent: this.#agent, signal, headers: { accept: 'application/json', ...headers, 'content-length': String(body.reduce((n, b) => n + b.byteLength, 0)) } },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.byteLength;
            if (size > MAX_RESPONSE_BYTES) {
              res.destroy();
              reject(new RemoteInferenceError('protocol', `${this.url}: ${method} ${path} answered more than ${MAX_RESPONSE_BYTES} bytes`));
            } else chunks.push(chunk);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', fail);
        },
      );
      req.on('error', fail);
      for (const piece of body) req.write(piece);
      req.end();
    }).finally(() => clearTimeout(timer));
  }
}
