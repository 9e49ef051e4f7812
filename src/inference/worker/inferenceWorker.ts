// An inference thread: holds one onnxruntime session per model and runs requests one at a time.
// onnxruntime-node computes on the calling JS thread, so inference here keeps the main thread (media
// signalling, socket.io) responsive, and one such thread per core lets streams run in parallel.
import { parentPort } from 'node:worker_threads';
import { OrtInferenceRunner } from '../OrtInferenceRunner.js';
import type { Float32Tensor } from '../InferenceRunner.js';
import type { FromWorker, ToWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('inferenceWorker must run in a worker thread');
const runners = new Map<string, OrtInferenceRunner>();
const reply = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

port.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    const open = async (m: (typeof message.models)[number]): Promise<void> => {
      const executionProvider = message.providers[m.manifest.id] ?? 'cpu';
      runners.set(m.manifest.id, await OrtInferenceRunner.create(m, { intraOpNumThreads: message.intraOpNumThreads, executionProvider }));
    };
    Promise.all(message.models.map(open))
      .then(() => reply({ type: 'ready', execution: message.models.map((m) => runners.get(m.manifest.id)!.execution) }))
      .catch((error: unknown) => reply({ type: 'init-error', message: error instanceof Error ? error.message : String(error) }));
    return;
  }
  const runner = runners.get(message.model);
  if (!runner) return reply({ type: 'error', id: message.id, message: `no model '${message.model}' in this worker` });
  runner.run(message.feeds).then(
    (results) => {
      // copy out of onnxruntime's buffers, then hand the copies over without another copy
      const outputs: Record<string, Float32Tensor> = {};
      const transfer: ArrayBuffer[] = [];
      for (const [name, t] of Object.entries(results)) {
        const data = new Float32Array(t.data);
        outputs[name] = { data, dims: [...t.dims] };
        transfer.push(data.buffer);
      }
      reply({ type: 'result', id: message.id, outputs }, transfer);
    },
    (error: unknown) => reply({ type: 'error', id: message.id, message: error instanceof Error ? error.message : String(error) }),
  );
});
