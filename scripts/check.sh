#!/usr/bin/env bash
# Every check a change must pass, from a fresh clone: installs what tests need (Chromium included), then
# lint, types, formatting, unit and route tests, the production build and the browser tests.
# Ends with one line: "N passed, N failed", summed over every suite.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
# A fake key that must never appear in anything a browser can fetch (see e2e/canary.spec.ts).
export CANARY_KEY="${CANARY_KEY:-retake-canary-key-7c1e0b}"

bash scripts/setup.sh --test || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
rm -rf .check test-results && mkdir -p .check
: > .check/static.txt

step() {
  local name=$1; shift
  echo "==> $name"
  if "$@"; then echo "pass $name" >> .check/static.txt; else echo "fail $name" >> .check/static.txt; fi
}

# --- PostgreSQL for the store contract tests (issue 11) -------------------------------------------------------
# A private cluster (Debian's postgresql, installed when missing) under .services/pg, on a free loopback port; the
# unit suite runs the store contract against SQLite and this PostgreSQL. Without it, CI fails those tests.
pg_was_running=0
bash scripts/services/postgres.sh env >/dev/null 2>&1 && pg_was_running=1
if pg_env="$(bash scripts/services/postgres.sh start)"; then
  export TEST_DATABASE_URL="${pg_env#DATABASE_URL=}"
  # Stopped at the end only if this run started it.
  [ "$pg_was_running" = 1 ] || trap 'bash scripts/services/postgres.sh stop' EXIT
else
  echo "PostgreSQL could not be started: the store contract tests will fail under CI."
fi
# --- end PostgreSQL -------------------------------------------------------------------------------------------

step lint npx eslint --max-warnings=0 .
step format npx prettier --check .
step unit npx vitest run --reporter=default --reporter=json --outputFile.json=.check/unit.json
# One production build, into .next-e2e (a developer's running server in .next is left alone), made with a canary
# key in the environment: the browser tests then search the client build for it.
step build env NEXT_DIST_DIR=.next-e2e FOXAPI_API_KEY="$CANARY_KEY" npx next build
# The studio's first-load JavaScript against its budget (sizes only; see BENCHMARKS.md).
step bundle-budget node bench/bundle-budget.mjs --dist .next-e2e
step typecheck npx tsc --noEmit
step e2e env E2E_SKIP_BUILD=1 npx playwright test

node scripts/summarize.mjs
