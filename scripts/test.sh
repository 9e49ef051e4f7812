#!/usr/bin/env bash
# Runs the whole test suite (after scripts/setup.sh test): TypeScript type checks, Python tests of the
# paper's network, then unit and end-to-end tests with Node's test runner. Artifacts go to test-results/.
#   scripts/test.sh [test files...]     (default: everything; the dependency rules are checked either way)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
shopt -s globstar nullglob
mkdir -p test-results
# The tests never inherit a developer's or CI's AFFECTCAST_* settings (a stray AFFECTCAST_PROFILE or
# AFFECTCAST_MODELS_DIR would change what they test); only the cache and the test-only switches stay.
for name in $(compgen -e | grep '^AFFECTCAST_' || true); do
  case "$name" in AFFECTCAST_CACHE_DIR|AFFECTCAST_TEST_*) ;; *) unset "$name" ;; esac
done
export AFFECTCAST_TEST_ARTIFACTS="$PWD/test-results"
# Every test (and suite) fails after this long: one hang cannot eat the CI budget.
TIMEOUT_MS=${AFFECTCAST_TEST_TIMEOUT_MS:-300000}
# The dependency rules between src/'s folders (.dependency-cruiser.cjs) come first, on every run: a
# violation fails the run before any test.
echo "== dependency rules" >&2
npx depcruise src --config .dependency-cruiser.cjs --output-type err >&2
if [ $# -gt 0 ]; then
  exec timeout 1800 node --import tsx --test --test-timeout="$TIMEOUT_MS" --test-reporter=spec "$@"
fi
echo "== typecheck" >&2
npx tsc -p tsconfig.test.json
npx tsc -p tsconfig.web.json
echo "== python: models/avmt" >&2
timeout 600 /usr/bin/python3 -m unittest discover -s models -p 'test_*.py' -t .
echo "== node: unit and end-to-end" >&2
timeout 2400 node --import tsx --test --test-timeout="$TIMEOUT_MS" --test-reporter=spec --test-concurrency=1 test/unit/**/*.test.ts test/e2e/**/*.test.ts
