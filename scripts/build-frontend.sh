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

# wasm-opt from npm's binaryen, pinned in scripts/wasm-opt/ (Debian's binaryen cannot
# parse what Rust emits). It shrinks the wasm by about a third.
WASM_OPT="$ROOT/scripts/wasm-opt/node_modules/.bin/wasm-opt"
if [[ ! -x "$WASM_OPT" ]] && ! command -v npm >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
  echo "==> Installing npm (Debian package) to fetch wasm-opt"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y npm
fi
if [[ ! -x "$WASM_OPT" ]] && command -v npm >/dev/null 2>&1; then
  echo "==> Installing wasm-opt (npm ci: binaryen, version pinned in scripts/wasm-opt)"
  npm ci --prefix "$ROOT/scripts/wasm-opt" --no-audit --no-fund
fi
if [[ -x "$WASM_OPT" ]]; then
  echo "==> Optimising the wasm for size (wasm-opt -Oz)"
  "$WASM_OPT" -Oz "$DIST/hoctap_frontend_bg.wasm" -o "$DIST/hoctap_frontend_bg.wasm.opt"
  mv "$DIST/hoctap_frontend_bg.wasm.opt" "$DIST/hoctap_frontend_bg.wasm"
else
  echo "WARNING: npm is not available, so the wasm is not optimised (about a third larger)." >&2
fi

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
