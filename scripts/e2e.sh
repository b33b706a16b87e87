#!/usr/bin/env bash
# End-to-end tests (tests/e2e/): the real `hoctap serve` with the built web app, driven in
# Debian's headless Chromium through playwright-core (npm, pinned in tests/e2e/), run by
# Node's own test runner. Installs what it needs (npm, Chromium, the npm packages).
#
# The server binary is target/release/hoctap, built (or brought up to date) here, unless
# HOCTAP_BIN names another one (scripts/test.sh passes its debug build so as not to build
# the server twice). The web app is frontend/dist, built when missing; rebuild it with
# scripts/build-frontend.sh after changing the frontend. HOCTAP_SCREENSHOTS=1 writes the
# screenshots into docs/screenshots/ (the README's); otherwise into a temporary directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
START=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - START ))"; }

step "Checking node, npm and Chromium"
if ! command -v npm >/dev/null 2>&1; then
  if [[ "$(id -u)" != 0 ]]; then
    echo "error: the end-to-end tests need node and npm (Debian package npm); install them as root" >&2
    exit 1
  fi
  echo "==> Installing npm (Debian package)"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y npm
fi
if [[ ! -x /usr/bin/chromium ]]; then
  "$ROOT/scripts/install-tools.sh" --browser
fi

step "Installing the test's npm packages (npm ci: playwright-core, pinned in tests/e2e)"
npm ci --prefix "$ROOT/tests/e2e" --no-audit --no-fund

if [[ -n "${HOCTAP_BIN:-}" ]]; then
  if [[ ! -x "$HOCTAP_BIN" ]]; then
    echo "error: HOCTAP_BIN=$HOCTAP_BIN is not an executable" >&2
    exit 1
  fi
  step "Server binary: $HOCTAP_BIN"
else
  step "Building the server (release; nothing to do when it is up to date)"
  cargo build --locked --release -p hoctap-server
  export HOCTAP_BIN="$ROOT/target/release/hoctap"
fi

if [[ -z "${HOCTAP_FRONTEND_DIST:-}" && ! -f "$ROOT/frontend/dist/index.html" ]]; then
  step "Building the web app (frontend/dist is missing)"
  "$ROOT/scripts/build-frontend.sh"
fi

step "End-to-end tests (node --test tests/e2e/)"
# One test file at a time: each starts its own server and browser, and the machine may
# have two cores. The per-test timeout is generous for a loaded CI machine.
node --test --test-concurrency=1 --test-timeout=300000 --test-reporter=spec "$ROOT/tests/e2e/"

step "End-to-end tests passed"
