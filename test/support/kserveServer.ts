// A small KServe v2 server for the remote-inference tests (Triton cannot run here): node:http on
// 127.0.0.1, real onnxruntime sessions of the given models (so its outputs are real and comparable with the
// local runner's), the binary tensor data extension (or only JSON), and faults on demand: answers delayed
// past the client's timeout, 5xx or 4xx answers, metadata that differs from the manifest, and a stopped
// listener (connection refused) that can start again on the same port.
// Written from the protocol's text; it serves only what the tests need.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import ort from 'onnxruntime-node';
import type { VerifiedModel } from '../../src/inference/verifiedModel.js';

const HEADER_LENGTH = 'inference-header-content-length';
const BINARY_EXTENSION = 'binary_tensor_data';

interface TensorMeta {
  name: string;
  datatype: string;
  shape: number[];
}
export interface ServedMetadata {
  name: string;
  platform: string;
  versions: string[];
  inputs: TensorMeta[];
  outputs: TensorMeta[];
}

interface RequestInput {
  name: string;
  shape: number[];
  datatype: string;
  parameters?: { binary_data_size?: number };
  data?: unknown[];
}
interface RequestHeader {
  inputs: RequestInput[];
  outputs?: Array<{ name: string; parameters?: { binary_data?: boolean } }>;
  parameters?: { binary_data_output?: boolean };
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** The Inference-Header-Content-Length field, where the request had one. */
  headerLength: string | undefined;
  /** The Authorization field, where the request had one. */
  authorization: string | undefined;
  /** The status it was answered with (undefined until answered). */
  status?: number;
}

export interface KserveTestServerOptions {
  models: VerifiedModel[];
  /** Offer the binary tensor data extension (default true); without it, binary requests are refused. */
  binary?: boolean;
}

class BadRequest extends Error {}

export class KserveTestServer {
  readonly requests: RecordedRequest[] = [];
  readonly #server: http.Server;
  readonly #sockets = new Set<Socket>();
  readonly #sessions = new Map<string, ort.InferenceSession>();
  readonly #models: VerifiedModel[];
  readonly #binary: boolean;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #metadataPatches = new Map<string, (m: ServedMetadata) => ServedMetadata>();
  #port = 0;
  #delays: number[] = [];
  #failures: number[] = [];
  #closed = false;

  private constructor(options: KserveTestServerOptions) {
    this.#models = options.models;
    this.#binary = options.binary ?? true;
    this.#server = http.createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  static async start(options: KserveTestServerOptions): Promise<KserveTestServer> {
    const server = new KserveTestServer(options);
    for (const m of options.models) {
      server.#sessions.set(m.manifest.id, await ort.InferenceSession.create(m.bytes, { executionProviders: ['cpu'], intraOpNumThreads: 1 }));
    }
    await server.listen();
    return server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Infer requests received for `model` (every attempt, also those that were delayed or failed). */
  inferRequests(model: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === `/v2/models/${model}/infer`);
  }

  /** The next `count` infer requests are answered after `ms`. */
  delayNext(count: number, ms: number): void {
    this.#delays.push(...Array<number>(count).fill(ms));
  }

  /** The next `count` infer requests are answered with `status` and a KServe error body. */
  failNext(count: number, status = 500): void {
    this.#failures.push(...Array<number>(count).fill(status));
  }

  /** Serves `model`'s metadata as `patch` makes it (null: as the manifest says). */
  patchMetadata(model: string, patch: ((m: ServedMetadata) => ServedMetadata) | null): void {
    if (patch === null) this.#metadataPatches.delete(model);
    else this.#metadataPatches.set(model, patch);
  }

  /** Listens (again) on the same port as before, or a free one the first time. */
  async listen(): Promise<void> {
    if (this.#server.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#port, '127.0.0.1', () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.#port = (this.#server.address() as AddressInfo).port;
  }

  /** Stops listening and cuts every connection: clients then get a refused connection. */
  async stop(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  /** Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await this.stop();
    await Promise.all([...this.#sessions.values()].map((s) => s.release()));
  }

  metadata(model: VerifiedModel): ServedMetadata {
    const tensor = (t: { name: string; shape: (number | string)[] }): TensorMeta => ({
      name: t.name,
      datatype: 'FP32',
      shape: t.shape.map((d) => (typeof d === 'number' ? d : -1)),
    });
    const served: ServedMetadata = {
      name: model.manifest.id,
      platform: 'onnxruntime_onnx',
      versions: ['1'],
      inputs: model.manifest.inputs.map(tensor),
      outputs: model.manifest.outputs.map(tensor),
    };
    return this.#metadataPatches.get(model.manifest.id)?.(served) ?? served;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const headerLength = req.headers[HEADER_LENGTH];
    const record: RecordedRequest = {
      method: req.method ?? '',
      path,
      headerLength: typeof headerLength === 'string' ? headerLength : undefined,
      authorization: req.headers.authorization,
    };
    this.requests.push(record);
    res.once('finish', () => (record.status = res.statusCode));
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const model = (name: string | undefined) => this.#models.find((m) => m.manifest.id === name);
    const route = /^\/v2\/models\/([^/]+)(\/ready|\/infer)?$/.exec(path);
    try {
      if (req.method === 'GET' && path === '/v2') return json(200, { name: 'affectcast-test-kserve', version: '2.0', extensions: this.#binary ? [BINARY_EXTENSION] : [] });
      if (req.method === 'GET' && (path === '/v2/health/ready' || path === '/v2/health/live')) return json(200, {});
      const served = model(route?.[1] === undefined ? undefined : decodeURIComponent(route[1]));
      if (route === null || served === undefined) return json(404, { error: `no model at '${path}'` });
      if (req.method === 'GET' && route[2] === '/ready') return json(200, {});
      if (req.method === 'GET' && route[2] === undefined) return json(200, this.metadata(served));
      if (req.method !== 'POST' || route[2] !== '/infer') return json(405, { error: 'method not allowed' });

      const delay = this.#delays.shift();
      if (delay !== undefined) await this.#wait(delay);
      const status = this.#failures.shift();
      if (status !== undefined) return json(status, { error: 'injected failure' });
      const answer = await this.#infer(served, body, typeof headerLength === 'string' ? headerLength : undefined);
      res.writeHead(200, answer.headers);
      res.end(answer.body);
    } catch (error) {
      if (error instanceof BadRequest) json(400, { error: error.message });
      else if (!res.headersSent) json(500, { error: (error as Error).message });
    }
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve();
      }, ms);
      this.#timers.add(timer);
    });
  }

  async #infer(model: VerifiedModel, body: Buffer, headerLength: string | undefined): Promise<{ headers: Record<string, string>; body: Buffer }> {
    if (headerLength !== undefined && !this.#binary) throw new BadRequest('this server does not offer the binary tensor data extension');
    const jsonLength = headerLength === undefined ? body.byteLength : Number(headerLength);
    const header = JSON.parse(body.subarray(0, jsonLength).toString('utf8')) as RequestHeader;
    const session = this.#sessions.get(model.manifest.id)!;
    const feeds: Record<string, ort.Tensor> = {};
    let offset = jsonLength;
    for (const input of header.inputs) {
      if (input.datatype !== 'FP32') throw new BadRequest(`input '${input.name}' is ${input.datatype}`);
      const count = input.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(count);
      const size = input.parameters?.binary_data_size;
      if (size !== undefined) {
        if (size !== count * 4 || offset + size > body.byteLength) throw new BadRequest(`input '${input.name}' declares ${size} bytes`);
        for (let i = 0; i < count; i++) data[i] = body.readFloatLE(offset + i * 4);
        offset += size;
      } else {
        const values = (input.data ?? []).flat(Infinity) as number[];
        if (values.length !== count) throw new BadRequest(`input '${input.name}' has ${values.length} values for ${count}`);
        data.set(values);
      }
      feeds[input.name] = new ort.Tensor('float32', data, input.shape);
    }
    const requested = header.outputs?.map((o) => o.name) ?? session.outputNames;
    const results = await session.run(feeds, requested);
    const binaryOut = (name: string) =>
      this.#binary && (header.outputs?.find((o) => o.name === name)?.parameters?.binary_data ?? header.parameters?.binary_data_output ?? false);
    const outputs: object[] = [];
    const sections: Buffer[] = [];
    for (const name of requested) {
      const tensor = results[name]!;
      const data = tensor.data as Float32Array;
      if (binaryOut(name)) {
        const bytes = Buffer.alloc(data.length * 4);
        data.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
        sections.push(bytes);
        outputs.push({ name, datatype: 'FP32', shape: tensor.dims, parameters: { binary_data_size: bytes.byteLength } });
      } else {
        outputs.push({ name, datatype: 'FP32', shape: tensor.dims, data: Array.from(data) });
      }
      tensor.dispose();
    }
    const json = Buffer.from(JSON.stringify({ model_name: model.manifest.id, model_version: '1', outputs }));
    if (sections.length === 0) return { headers: { 'content-type': 'application/json' }, body: json };
    return {
      headers: { 'content-type': 'application/octet-stream', [HEADER_LENGTH]: String(json.byteLength) },
      body: Buffer.concat([json, ...sections]),
    };
  }
}
