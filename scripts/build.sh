#!/usr/bin/env bash
# Compiles src/ to dist/ and bundles the browser pages; skipped when nothing that goes into it changed.
# Builds into dist.next and swaps it in, so a failed build leaves the previous dist/ whole.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
STAMP=dist/.build-stamp
SUM=$( { find src bin scripts/build.sh scripts/bundle-web.mjs tsconfig.json tsconfig.web.json package-lock.json -type f -print0 | sort -z | xargs -0 sha256sum; } | sha256sum | cut -c1-16)
if [ "$(cat "$STAMP" 2>/dev/null)" = "$SUM" ]; then exit 0; fi
printf '[build] tsc + browser bundles\n' >&2
rm -rf dist.next
npx tsc -p tsconfig.json --outDir dist.next
npx tsc -p tsconfig.web.json
AFFECTCAST_WEB_OUT=dist.next/web node scripts/bundle-web.mjs
echo "$SUM" > dist.next/.build-stamp
rm -rf dist
mv dist.next dist
