#!/usr/bin/env bash
# Runs the whole test suite (after scripts/setup.sh test): TypeScript type checks, Python tests of the
# paper's network, then unit and end-to-end tests with Node's test runner. Artifacts go to test-results/.
#   scripts/test.sh [test files...]     (default: everything)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
shopt -s globstar nullglob
mkdir -p test-results
export AFFECTCAST_TEST_ARTIFACTS="$PWD/test-results"
if [ $# -gt 0 ]; then
  exec node --import tsx --test --test-reporter=spec "$@"
fi
echo "== typecheck" >&2
npx tsc -p tsconfig.test.json
npx tsc -p tsconfig.web.json
echo "== python: models/avmt" >&2
/usr/bin/python3 -m unittest discover -s models -p 'test_*.py' -t .
echo "== node: unit and end-to-end" >&2
node --import tsx --test --test-reporter=spec --test-concurrency=1 test/unit/**/*.test.ts test/e2e/**/*.test.ts
