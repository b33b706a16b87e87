#!/usr/bin/env bash
# Builds the Yew frontend into frontend/dist/ (wasm-bindgen --target web output + static files).
# Works from any cwd; installs the build tools first (scripts/install-tools.sh).
# wasm-opt is not run yet (a later step).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TARGET=wasm32-unknown-unknown
DIST="$ROOT/frontend/dist"
# A binary crate's artifact keeps the package's hyphen: hoctap-frontend.wasm.
WASM_IN="$ROOT/target/$TARGET/release/hoctap-frontend.wasm"

echo "==> Checking build tools"
"$ROOT/scripts/install-tools.sh"

echo "==> Building hoctap-frontend (release, $TARGET)"
cargo build --locked --release -p hoctap-frontend --target "$TARGET"

echo "==> Generating JS bindings into frontend/dist (wasm-bindgen --target web)"
rm -rf "$DIST"
mkdir -p "$DIST"
# --out-name gives hoctap_frontend.js / hoctap_frontend_bg.wasm, the names index.html loads.
"$ROOT/.tools/bin/wasm-bindgen" --target web --no-typescript --out-dir "$DIST" \
  --out-name hoctap_frontend "$WASM_IN"

echo "==> Copying frontend/static/* into frontend/dist/"
cp -R "$ROOT"/frontend/static/. "$DIST"/

# The service worker's cache name carries a hash of every other built file, so each
# build that changes anything installs a new worker and drops the old cache.
echo "==> Stamping the service worker with the build hash"
BUILD_HASH=$(cd "$DIST" && find . -type f ! -name sw.js -print0 | LC_ALL=C sort -z \
  | xargs -0 sha256sum | sha256sum | cut -c1-16)
sed -i "s/__BUILD_HASH__/$BUILD_HASH/g" "$DIST/sw.js"
if grep -q "__BUILD_HASH__" "$DIST/sw.js"; then
  echo "error: __BUILD_HASH__ left in $DIST/sw.js" >&2
  exit 1
fi
echo "    build hash: $BUILD_HASH"

WASM_OUT="$DIST/hoctap_frontend_bg.wasm"
RAW=$(wc -c <"$WASM_OUT")
GZ=$(gzip -9 -c "$WASM_OUT" | wc -c)
echo "==> Done: $DIST"
echo "    hoctap_frontend_bg.wasm: $RAW bytes raw, $GZ bytes gzip -9"
