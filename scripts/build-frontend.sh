#!/usr/bin/env bash
# Builds the Yew frontend into frontend/dist/ (wasm-bindgen --target web output + static files),
# optimised for size (Cargo profile `wasm`, then wasm-opt -Oz), with precompressed `.gz`
# and `.br` siblings that the server sends to browsers that accept them. Works from any
# cwd; installs the build tools first (scripts/install-tools.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TARGET=wasm32-unknown-unknown
DIST="$ROOT/frontend/dist"
# The `wasm` profile (root Cargo.toml) optimises for size with LTO; a binary crate's
# artifact keeps the package's hyphen: hoctap-frontend.wasm. Cargo writes it under
# CARGO_TARGET_DIR when that is set (a second checkout's or engineer's build directory).
WASM_IN="${CARGO_TARGET_DIR:-$ROOT/target}/$TARGET/wasm/hoctap-frontend.wasm"
# The office app (office.html: the staff page and other office screens) is the package's
# second binary, src/bin/office.rs; its wasm is downloaded only by those who open it.
OFFICE_IN="${CARGO_TARGET_DIR:-$ROOT/target}/$TARGET/wasm/office.wasm"
# The citizen's page (citizen.html, served at /c/<token>: a campaign's link, issue 18) is
# the third binary, src/bin/citizen.rs; its first visit has a budget of 150 KB compressed.
CITIZEN_IN="${CARGO_TARGET_DIR:-$ROOT/target}/$TARGET/wasm/citizen.wasm"

echo "==> Checking build tools"
"$ROOT/scripts/install-tools.sh"

echo "==> Building hoctap-frontend: the app, the office app, the citizen's page (profile wasm, $TARGET)"
cargo build --locked --profile wasm -p hoctap-frontend --target "$TARGET" --bins

echo "==> Generating JS bindings into frontend/dist (wasm-bindgen --target web)"
rm -rf "$DIST"
mkdir -p "$DIST"
# --out-name gives hoctap_frontend.js / hoctap_frontend_bg.wasm, the names index.html loads.
"$ROOT/.tools/bin/wasm-bindgen" --target web --no-typescript --out-dir "$DIST" \
  --out-name hoctap_frontend "$WASM_IN"
# hoctap_office.js / hoctap_office_bg.wasm, the names office.html loads.
"$ROOT/.tools/bin/wasm-bindgen" --target web --no-typescript --out-dir "$DIST" \
  --out-name hoctap_office "$OFFICE_IN"
# hoctap_citizen.js / hoctap_citizen_bg.wasm, the names citizen.html loads.
"$ROOT/.tools/bin/wasm-bindgen" --target web --no-typescript --out-dir "$DIST" \
  --out-name hoctap_citizen "$CITIZEN_IN"

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
  for name in hoctap_frontend_bg hoctap_office_bg hoctap_citizen_bg; do
    "$WASM_OPT" -Oz "$DIST/$name.wasm" -o "$DIST/$name.wasm.opt"
    mv "$DIST/$name.wasm.opt" "$DIST/$name.wasm"
  done
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
sed -i "s/__BUILD_HASH__/$BUILD_HASH/g" "$DIST/sw.js" "$DIST/c/sw.js"
if grep -q "__BUILD_HASH__" "$DIST/sw.js" "$DIST/c/sw.js"; then
  echo "error: __BUILD_HASH__ left in a service worker" >&2
  exit 1
fi
echo "    build hash: $BUILD_HASH"

# Precompressed siblings, written after the stamp so sw.js.gz carries the hash. The
# server (tower-http ServeDir) sends `x.br` or `x.gz` for `x` to a browser that accepts
# that encoding, with x's Content-Type, so nothing is compressed per request.
# gzip -n leaves out the name and time, so the same build gives the same bytes. Brotli
# (a fifth smaller than gzip for the wasm) comes from Debian's `brotli` command, or from
# Node's zlib (the same library) when the command is missing; without either, .gz only.
if command -v brotli >/dev/null 2>&1; then
  BROTLI=command
elif command -v node >/dev/null 2>&1; then
  BROTLI=node
else
  BROTLI=none
fi
brotli_file() {
  case "$BROTLI" in
    command) brotli -q 11 -k -f "$1" ;;
    node) node -e '
      const fs = require("fs"), zlib = require("zlib"), file = process.argv[1], data = fs.readFileSync(file);
      const params = { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length };
      fs.writeFileSync(file + ".br", zlib.brotliCompressSync(data, { params }));' "$1" ;;
  esac
}
echo "==> Precompressing (gzip -9; brotli -q 11: $BROTLI)"
if [[ "$BROTLI" == none ]]; then
  echo "WARNING: neither brotli nor node is available: .gz siblings only." >&2
fi
for file in "$DIST"/*.wasm "$DIST"/*.js "$DIST"/c/*.js "$DIST"/*.css "$DIST"/*.html "$DIST"/*.webmanifest "$DIST"/*.svg; do
  [[ -f "$file" ]] || continue
  gzip -9 -n -k -f "$file"
  brotli_file "$file"
done

# What a first visit downloads, compressed: the wasm, the JS and the CSS (the page, the
# manifest and the icon add a few kilobytes more). The budget is 500 KB in all.
size_of() { wc -c <"$1"; }
echo "==> Done: $DIST"
# One line per file and its raw, gzip and (when built) brotli sizes.
size_line() {
  if [[ -n "$4" ]]; then
    printf '    %-26s %8s bytes raw, %8s gzip -9, %8s brotli\n' "$1" "$2" "$3" "$4"
  else
    printf '    %-26s %8s bytes raw, %8s gzip -9\n' "$1" "$2" "$3"
  fi
}
# `report_sizes LABEL EACH FILE...`: the files' total under LABEL, after a line per file
# when EACH is "each".
report_sizes() {
  local label=$1 each=$2 raw gz br total_raw=0 total_gz=0 total_br=0
  shift 2
  for name in "$@"; do
    raw=$(size_of "$DIST/$name") gz=$(size_of "$DIST/$name.gz") br=""
    [[ -f "$DIST/$name.br" ]] && br=$(size_of "$DIST/$name.br") && total_br=$((total_br + br))
    total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz))
    if [[ "$each" == each ]]; then size_line "$name:" "$raw" "$gz" "$br"; fi
  done
  size_line "$label" "$total_raw" "$total_gz" "$([[ "$total_br" -gt 0 ]] && echo "$total_br")"
}
report_sizes "wasm + js + css:" each hoctap_frontend_bg.wasm hoctap_frontend.js style.css

# The office app, apart: what opening office.html downloads beyond the shared style.css
# (already cached by the app), compressed. It is not part of the first visit's budget.
report_sizes "office app (office.html):" total hoctap_office_bg.wasm hoctap_office.js office.css office.html

# The citizen's page, apart: the whole first visit of a campaign's link (the page, its
# JS, wasm and stylesheet, and its service worker), compressed. Budget: 150 KB
# (153,600 bytes), checked on the wire by tests/e2e/shell.test.mjs.
report_sizes "citizen's page (/c/…):" each citizen.html hoctap_citizen.js hoctap_citizen_bg.wasm citizen.css c/sw.js
