#!/usr/bin/env bash
# Runs every test of hoctap on a fresh machine: installs what it needs (the wasm32
# target, wasm-bindgen-cli matching Cargo.lock, Debian's chromium and chromedriver),
# checks formatting and lints, runs the unit, integration, property and API tests, the
# frontend's browser tests in headless Chromium, builds the shared crate and the web app
# for WebAssembly, starts the real server for a smoke test, and runs the end-to-end tests
# (the real server and the built web app in headless Chromium, tests/e2e/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
START=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$*" "$(( $(date +%s) - START ))"; }

step "Installing tools"
if ! rustup component list --installed 2>/dev/null | grep -q '^clippy'; then rustup component add clippy; fi
if ! rustup component list --installed 2>/dev/null | grep -q '^rustfmt'; then rustup component add rustfmt; fi
"$ROOT/scripts/install-tools.sh" --browser

step "Formatting (cargo fmt --check)"
cargo fmt --all -- --check

step "Lints (clippy, native)"
cargo clippy --locked --workspace --all-targets -- -D warnings

step "Lints (clippy, wasm32: shared and frontend)"
cargo clippy --locked -p hoctap-shared -p hoctap-frontend --target wasm32-unknown-unknown -- -D warnings

step "Building the server binary (the durability test runs it)"
cargo build --locked -p hoctap-server

step "Unit, integration, property, API and durability tests"
cargo test --locked --workspace

step "Browser tests (wasm-bindgen-test in headless Chromium)"
# The runner comes with wasm-bindgen-cli (same version as Cargo.lock); webdriver.json
# names Debian's chromium and the flags that keep it off the network.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER="$ROOT/.tools/bin/wasm-bindgen-test-runner" \
CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_TEST_WEBDRIVER_JSON="$ROOT/webdriver.json" \
  cargo test --locked -p hoctap-frontend --target wasm32-unknown-unknown

step "The shared crate for WebAssembly"
cargo build --locked -p hoctap-shared --target wasm32-unknown-unknown

step "Building the web app"
"$ROOT/scripts/build-frontend.sh"

step "Smoke test: the real server with the built web app"
"$ROOT/scripts/smoke.sh"

step "End-to-end tests: the real server and the web app in headless Chromium"
# The debug server built above: the tests exercise behaviour, not speed, and a release
# build would compile the server a second time.
HOCTAP_BIN="$ROOT/target/debug/hoctap" "$ROOT/scripts/e2e.sh"

step "All tests passed"
