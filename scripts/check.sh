#!/usr/bin/env bash
# Every check a change must pass, from a fresh clone: installs what tests need (Chromium included), then
# lint, types, formatting, unit and route tests, the production build and the browser tests.
# Ends with one line: "N passed, N failed", summed over every suite.
#
# Two lanes run side by side, so the wall time is the longer lane, not the sum of all steps:
#   checks:  lint and format (together), then the unit and route tests   — none of them needs a build
#   build:   the production build, then the browser tests, with the type check and the bundle budget beside them
#            (tsc reads the route types the build generates, so it waits for the build)
# Then, alone, the team's route suites again on PostgreSQL (routes-pg).
# Each step writes to .check/<step>.log; a line says when it ends, and every log is printed whole, in a fixed
# order, once its lane is done: parallel output never interleaves.
set -uo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
# A fake key that must never appear in anything a browser can fetch (see e2e/canary.spec.ts).
export CANARY_KEY="${CANARY_KEY:-retake-canary-key-7c1e0b}"

bash scripts/setup.sh --test || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
rm -rf .check test-results && mkdir -p .check
: > .check/static.txt
started=$SECONDS

# step NAME COMMAND…: runs COMMAND with its output in .check/NAME.log and records "pass|fail NAME SECONDS".
# (Lines this short are appended atomically, so steps in different lanes can share the file.)
step() {
  local name=$1 t0=$SECONDS result
  shift
  echo "... $name started"
  if "$@" > ".check/$name.log" 2>&1; then result=pass; else result=fail; fi
  echo "$result $name $((SECONDS - t0))" >> .check/static.txt
  echo "... $name: $result in $((SECONDS - t0)) s"
  [ $result = pass ]
}

show() {
  local name
  for name in "$@"; do
    [ -f ".check/$name.log" ] || continue
    echo
    echo "==> $name"
    cat ".check/$name.log"
  done
}

# The services the backend suites run against (issue 11): a private PostgreSQL cluster (Debian's postgresql, under
# .services/pg) for the store contract tests, and a real S3-compatible server (Swift with s3api, under .services/s3)
# for the storage contract tests; both installed from Debian when missing, on free loopback ports. They start once,
# beside lint and the build, and are stopped at the very end; their variables go only to the unit step and to the
# multi-replica system test (after the build), so the build and the browser tests keep the zero-setup defaults
# (SQLite, local disk). A service that can't start counts as a failure, and the suites that need it then fail
# under CI instead of skipping. Each is stopped at the end only if this run started it.
start_services() {
  local out service_vars=() services_started=()
  if ! bash scripts/services/postgres.sh env > /dev/null 2>&1; then services_started+=(postgres); fi
  if out=$(bash scripts/services/postgres.sh start 2> .check/postgres.log); then
    service_vars+=("TEST_DATABASE_URL=${out#DATABASE_URL=}")
    echo "pass postgres 0" >> .check/static.txt
  else
    echo "fail postgres 0" >> .check/static.txt
  fi
  if ! bash scripts/services/s3.sh env > /dev/null 2>&1; then services_started+=(s3); fi
  if out=$(bash scripts/services/s3.sh start 2> .check/s3-server.log); then
    read -r -a s3 <<< "$(sed -n 's/^export //p' <<< "$out" | tr '\n' ' ')"
    service_vars+=("${s3[@]}")
    echo "pass s3-server 0" >> .check/static.txt
  else
    echo "fail s3-server 0" >> .check/static.txt
  fi
  printf '%s\n' "${service_vars[@]}" > .check/services.vars
  printf '%s\n' "${services_started[@]}" > .check/services.started
  touch .check/services.ready
}
# service_env: fills the array service_vars once the services have started (both lanes wait here).
service_vars=()
service_env() {
  while [ ! -f .check/services.ready ]; do sleep 1; done
  mapfile -t service_vars < <(grep -v '^$' .check/services.vars)
}
stop_services() {
  local name
  [ -f .check/services.started ] || return 0
  while read -r name; do
    [ -n "$name" ] && { bash "scripts/services/$name.sh" stop > /dev/null 2>&1 || true; }
  done < .check/services.started
}

checks_lane() {
  step lint npx eslint --max-warnings=0 . &
  step format npx prettier --check . &
  wait
  service_env
  step unit env "${service_vars[@]}" npx vitest run --reporter=default --reporter=json --outputFile.json=.check/unit.json
}

# The route suites of what a team shares (accounts, the team, usage and cost, takes, favourites) again with
# PostgreSQL as the database, each test in a schema of its own: both engines answer every route alike. It runs
# last, on its own: beside the browser tests its password hashing starved their timing-sensitive checks.
routes_pg() {
  service_env
  step routes-pg env "${service_vars[@]}" ROUTE_TESTS_ON_POSTGRES=1 npx vitest run "${PG_ROUTE_SUITES[@]}" \
    --reporter=default --reporter=json --outputFile.json=.check/routes-pg.json
}
PG_ROUTE_SUITES=(
  app/api/accounts.routes.test.ts
  app/api/session/accounts.test.ts
  app/api/team/team.routes.test.ts
  app/api/usage/report.routes.test.ts
  app/api/generations/takes.test.ts
  app/api/generations/favourites.test.ts
)

build_lane() {
  # One production build, into .next-e2e (a developer's running server in .next is left alone), made with a
  # canary key in the environment: the browser tests then search the client build for it.
  if step build env NEXT_DIST_DIR=.next-e2e FOXAPI_API_KEY="$CANARY_KEY" npx next build; then
    # The studio's first-load JavaScript against its budget (sizes only; see BENCHMARKS.md).
    step bundle-budget node bench/bundle-budget.mjs --dist .next-e2e &
    step typecheck npx tsc --noEmit &
    step e2e env E2E_SKIP_BUILD=1 npx playwright test
    # Two `npm start` replicas of the same build sharing PostgreSQL and the S3 server (system/replicas.test.ts).
    service_env
    step replicas env "${service_vars[@]}" npx vitest run --config vitest.system.config.mts --reporter=default \
      --reporter=json --outputFile.json=.check/replicas.json
    wait
  else
    # Without a build there is nothing to type-check the routes against or to run in a browser.
    step typecheck npx tsc --noEmit
    echo "fail e2e 0" >> .check/static.txt
    echo "fail replicas 0" >> .check/static.txt
  fi
}

start_services > /dev/null 2>&1 &
services=$!
checks_lane &
checks=$!
build_lane &
build=$!
wait $checks
show postgres s3-server lint format unit
wait $build
show build bundle-budget typecheck e2e replicas
routes_pg
show routes-pg
wait $services
stop_services

echo
echo "All steps took $((SECONDS - started)) s:"
sort -k3 -n -r .check/static.txt | awk '{ printf "  %-14s %s %4d s\n", $2, $1, $3 }'
node scripts/summarize.mjs
