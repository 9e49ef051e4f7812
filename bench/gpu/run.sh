#!/usr/bin/env bash
# The GPU bench: faces/s of the default profile's models and of the A/V-MT-VGG-RNN step on onnxruntime's
# CUDA provider, batches 1-256, float32 and float16. See bench/gpu/README.md (what it needs, and where the
# numbers go). Short by design: a few minutes on one GPU.
#   bench/gpu/run.sh [--seconds 1] [--batches 1,2,4,...,256]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ORT_BIN=node_modules/onnxruntime-node/bin/napi-v6/linux/x64

command -v nvidia-smi >/dev/null || { echo "no nvidia-smi: this needs an NVIDIA GPU and its driver" >&2; exit 2; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >&2
if [ ! -f "$ORT_BIN/libonnxruntime_providers_cuda.so" ]; then
  echo "onnxruntime-node has no CUDA provider here ($ORT_BIN/libonnxruntime_providers_cuda.so)." >&2
  echo "Fetch it once, with network access: ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node" >&2
  echo "(it also needs the CUDA 12 runtime, cuBLAS and cuDNN 9 libraries on the library path)." >&2
  exit 2
fi

bash scripts/build.sh
# the default profile's models, checked against their manifests (scripts/setup.sh builds them)
node bin/affectcast.js models verify >&2
# the paper's network: an untrained export is as fast as a trained one, and only speed is measured here
if [ ! -f models/build/avmt.onnx ] && /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  /usr/bin/python3 -m models.avmt export --untrained --out models/build >&2
fi

mkdir -p bench/results
out="bench/results/cuda-$(date -u +%Y%m%dT%H%M%SZ).json"
node dist/bench/gpu/cudaBench.js --out "$out" "$@" >/dev/null
if [ -n "${OUT:-}" ]; then cp "$out" "$OUT/"; fi
echo "wrote $out" >&2
