#!/usr/bin/env bash
# Idempotent setup for affectcast: installs or builds only what is missing, so a second run takes seconds.
#   setup.sh run    system packages for serving, npm packages, mediasoup worker, build, ONNX models
#   setup.sh test   the same, plus what the test suite needs (Chromium, espeak-ng, PyTorch, test media)
#   setup.sh run|test STEP...   only these steps, in setup's order (docker/Dockerfile builds its stages so):
#     packages     Debian packages to serve (ffmpeg, the mediasoup worker's libraries) and, for test, to test
#     worker-deps  what the mediasoup worker's build needs (compilers, -dev packages, meson)
#     npm          npm ci                          worker   the mediasoup worker (from the cache when it can)
#     build        TypeScript and browser bundles  models   ONNX models converted and verified
#     media        test media (test only)
# System packages are installed with apt when running as root; otherwise a missing one is an error that names it.
set -euo pipefail
MODE=${1:-run}
case "$MODE" in run|test) ;; *) echo "usage: $0 run|test [STEP...]" >&2; exit 2 ;; esac
ALL_STEPS="packages worker-deps npm worker build models media"
STEPS=${*:2}
for s in $STEPS; do
  case " $ALL_STEPS " in *" $s "*) ;; *) echo "setup.sh: unknown step '$s' (steps: $ALL_STEPS)" >&2; exit 2 ;; esac
done
want() { [ -z "$STEPS" ] || case " $STEPS " in *" $1 "*) true ;; *) false ;; esac; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
CACHE=${AFFECTCAST_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/affectcast}
mkdir -p "$CACHE"
step() { printf '[setup %s] %s\n' "$(date +%T)" "$*" >&2; }
T0=$(date +%s)

# --- 1. system packages -------------------------------------------------------------------------
if want packages; then
RUN_PKGS="ffmpeg"
# What the mediasoup worker links at run time (Debian 12's names; its build's -dev packages pull them in too).
WORKER_RUNTIME_PKGS="libuv1 libssl3 libsrtp2-1 libabsl20220623"
# redis-server: the scale-out test starts a private one on loopback (test/support/redisServer.ts).
TEST_PKGS="chromium espeak-ng python3-torch python3-onnx python3-numpy redis-server"
PKGS="$RUN_PKGS $WORKER_RUNTIME_PKGS"
[ "$MODE" = test ] && PKGS="$PKGS $TEST_PKGS"
missing=$(for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || printf '%s ' "$p"; done)
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "affectcast setup: missing Debian packages: $missing(install them as root: apt-get install $missing)" >&2
    exit 1
  fi
  step "apt-get install $missing"
  export DEBIAN_FRONTEND=noninteractive
  [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -print -quit 2>/dev/null)" ] || apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing >/dev/null || { apt-get update -q && apt-get install -y -q --no-install-recommends $missing >/dev/null; }
fi
fi
# mediasoup's worker links Debian's libuv, OpenSSL, libsrtp2 and abseil; its build needs meson from backports.
if want worker-deps; then
if ! dpkg -s libuv1-dev libsrtp2-dev libssl-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler ninja-build >/dev/null 2>&1 \
   || ! meson --version 2>/dev/null | grep -qE '^(1\.([1-9]|[1-9][0-9])|[2-9])\.'; then
  [ "$(id -u)" = 0 ] || { echo "affectcast setup: the mediasoup worker's build dependencies are missing; run 'bash scripts/mediasoup-offline.sh deps' as root" >&2; exit 1; }
  step "mediasoup worker build dependencies"
  bash scripts/mediasoup-offline.sh deps >/dev/null
fi
fi

# --- 2. npm packages ---------------------------------------------------------------------------
# MEDIASOUP_WORKER_BIN skips mediasoup's postinstall (it would download a prebuilt worker, then pip);
# ONNXRUNTIME_NODE_INSTALL=skip skips onnxruntime-node's CUDA download (the CPU provider is bundled).
if want npm; then
LOCK_SUM=$(sha256sum package-lock.json | cut -c1-16)
if [ "$(cat node_modules/.affectcast-lock 2>/dev/null)" != "$LOCK_SUM" ]; then
  step "npm ci"
  MEDIASOUP_WORKER_BIN=skip ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
  echo "$LOCK_SUM" > node_modules/.affectcast-lock
fi
fi

# --- 3. mediasoup worker (about 4 min on 2 cores; seconds from the cache) -----------------------
WORKER=node_modules/mediasoup/worker/out/Release/mediasoup-worker
if want worker && [ ! -x "$WORKER" ]; then
  step "mediasoup worker (cache: $CACHE/mediasoup-worker)"
  MEDIASOUP_WORKER_CACHE="$CACHE/mediasoup-worker" bash scripts/mediasoup-offline.sh build node_modules/mediasoup >"$CACHE/mediasoup-build.log" 2>&1 \
    || { tail -40 "$CACHE/mediasoup-build.log" >&2; exit 1; }
  rm -rf node_modules/mediasoup/worker/out/Release/build   # 24 MB of objects, not needed at run time
fi

# --- 4. TypeScript and browser bundles ---------------------------------------------------------
if want build; then bash scripts/build.sh; fi

# --- 5. ONNX models (converted from the npm packages; skipped when the manifest verifies) ------
if want models; then node bin/affectcast.js models build; fi

# --- 6. test-only assets -----------------------------------------------------------------------
if [ "$MODE" = test ] && want media; then
  bash scripts/test-media.sh
fi
step "ready in $(( $(date +%s) - T0 )) s"
