#!/usr/bin/env bash
# Compiles src/ to dist/ and bundles the browser pages; skipped when nothing that goes into it changed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
STAMP=dist/.build-stamp
SUM=$( { find src scripts/build.sh scripts/bundle-web.mjs tsconfig.json tsconfig.web.json package-lock.json -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-16)
if [ "$(cat "$STAMP" 2>/dev/null)" = "$SUM" ]; then exit 0; fi
printf '[build] tsc + browser bundles\n' >&2
rm -rf dist
npx tsc -p tsconfig.json
npx tsc -p tsconfig.web.json
node scripts/bundle-web.mjs
echo "$SUM" > "$STAMP"
