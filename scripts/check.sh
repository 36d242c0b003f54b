#!/usr/bin/env bash
# Every check a change must pass, from a fresh clone: installs what tests need (Chromium included), then
# lint, types, formatting, unit and route tests, the production build and the browser tests.
# Ends with one line: "N passed, N failed", summed over every suite.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

bash scripts/setup.sh --test || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
rm -rf test-results && mkdir -p test-results
: > test-results/static.txt

step() {
  local name=$1; shift
  echo "==> $name"
  if "$@"; then echo "pass $name" >> test-results/static.txt; else echo "fail $name" >> test-results/static.txt; fi
}

step lint npx eslint --max-warnings=0 .
step format npx prettier --check .
step unit npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/unit.json
step build npx next build
step typecheck npx tsc --noEmit
# The browser tests build their own copy (.next-e2e) so a developer's running server is left alone.
step e2e npx playwright test

node scripts/summarize.mjs
