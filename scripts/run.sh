#!/usr/bin/env bash
# Runs hoctap on this machine: installs the build tools, builds the web app and the
# server (release), and serves both at http://127.0.0.1:8080/ with sled's files in
# ./data. Override with HOCTAP_BIND and HOCTAP_DATA_DIR. With HOCTAP_SAMPLE=1 it first
# loads the sample data (Xã Cửu An with its history since 2021; loading twice changes
# nothing). Ctrl-C stops it cleanly.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

echo "==> Building the web app"
"$ROOT/scripts/build-frontend.sh"

echo "==> Building the server (release)"
cargo build --locked --release -p hoctap-server

if [ "${HOCTAP_SAMPLE:-0}" = "1" ]; then
  echo "==> Loading the sample data"
  "$ROOT/target/release/hoctap" sample --data-dir "${HOCTAP_DATA_DIR:-$ROOT/data}"
fi

echo "==> Starting hoctap"
exec "$ROOT/target/release/hoctap" serve \
  --data-dir "${HOCTAP_DATA_DIR:-$ROOT/data}" \
  --bind "${HOCTAP_BIND:-127.0.0.1:8080}" \
  --frontend "$ROOT/frontend/dist"
