#!/usr/bin/env bash
# Installs what Retake needs on a fresh Debian machine with Node 20+: npm packages and, for tests,
# Debian's Chromium, ffmpeg (ffprobe checks downloaded videos) and a CJK font (the Chinese screenshots and pages
# render real glyphs, not boxes). Safe to run again.
#   scripts/setup.sh          app dependencies only
#   scripts/setup.sh --test   also the system packages the test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."

# npm ci installs exactly what package-lock.json says; check-lockfile.mjs first refuses a lockfile that is out of
# step with package.json, so drift fails here (and in CI) instead of installing something else.
node scripts/check-lockfile.mjs
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> Installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

if [ "${1:-}" = "--test" ]; then
  missing=()
  command -v "${CHROMIUM_PATH:-/usr/bin/chromium}" >/dev/null 2>&1 || missing+=(chromium)
  command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
  [ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> Installing ${missing[*]} from Debian's packages"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi
