#!/usr/bin/env bash
# Installs, builds and starts Retake. With no FOXAPI_API_KEY it runs the built-in simulator (nothing is charged).
# Binds to 127.0.0.1:3000 unless HOST / PORT say otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export NEXT_TELEMETRY_DISABLED=1
echo "==> Building"
npx next build
echo "==> Starting on http://${HOST:-127.0.0.1}:${PORT:-3000}"
# server.mjs: Next's handler plus true Content-Length on the files we serve; HOST and PORT are read from the
# environment.
exec npm start
