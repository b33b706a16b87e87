#!/usr/bin/env bash
# Installs the build tools the frontend needs, idempotently:
#   - the wasm32-unknown-unknown Rust target (rustup);
#   - wasm-bindgen-cli at exactly the wasm-bindgen version pinned in Cargo.lock, into .tools/;
#   - Debian's brotli, when root (the build writes .br siblings with it; without it, .gz only);
#   - with --browser: Debian's chromium and chromium-driver (for browser tests), and
#     fonts-liberation2 (a Times New Roman twin with Vietnamese letters, for printing).
# Safe to run repeatedly: every step is skipped when already satisfied.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

usage() {
  echo "usage: $0 [--browser]" >&2
}

WANT_BROWSER=0
for arg in "$@"; do
  case "$arg" in
    --browser) WANT_BROWSER=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "error: unknown argument: $arg" >&2; usage; exit 2 ;;
  esac
done

TARGET=wasm32-unknown-unknown
TOOLS="$ROOT/.tools"

# --- wasm32 target -----------------------------------------------------------
if rustup target list --installed | grep -qx "$TARGET"; then
  echo "==> Rust target $TARGET already installed"
else
  echo "==> Installing Rust target $TARGET (rustup target add)"
  rustup target add "$TARGET"
fi

# --- wasm-bindgen-cli, same version as Cargo.lock ------------------------------
if [[ ! -f Cargo.lock ]]; then
  echo "error: $ROOT/Cargo.lock not found; run 'cargo generate-lockfile' first" >&2
  exit 1
fi

# The [[package]] block whose name is exactly "wasm-bindgen" (not -macro, -shared, ...).
WB_VERSION="$(awk '
  /^\[\[package\]\]/ { in_wb = 0; next }
  $0 == "name = \"wasm-bindgen\"" { in_wb = 1; next }
  in_wb && /^version = / { gsub(/^version = "|"$/, ""); print; exit }
' Cargo.lock)"

if [[ -z "$WB_VERSION" ]]; then
  echo "error: no wasm-bindgen package found in Cargo.lock" >&2
  exit 1
fi

WB_BIN="$TOOLS/bin/wasm-bindgen"
HAVE_VERSION=""
if [[ -x "$WB_BIN" ]]; then
  # Prints e.g. "wasm-bindgen 0.2.130".
  HAVE_VERSION="$("$WB_BIN" --version 2>/dev/null | awk '{print $2}' || true)"
fi

if [[ "$HAVE_VERSION" == "$WB_VERSION" ]]; then
  echo "==> wasm-bindgen-cli $WB_VERSION already installed in $TOOLS/bin"
else
  if [[ -n "$HAVE_VERSION" ]]; then
    echo "==> Replacing wasm-bindgen-cli $HAVE_VERSION with $WB_VERSION (version in Cargo.lock)"
    FORCE=(--force)
  else
    echo "==> Installing wasm-bindgen-cli $WB_VERSION (version in Cargo.lock) into $TOOLS"
    FORCE=()
  fi
  # No --locked: the CLI's own lockfile pins a crate version crates.io no longer serves.
  # --debug: same output, about a third of the install time.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --root "$TOOLS" --debug "${FORCE[@]}"
  echo "==> Installed: $("$WB_BIN" --version)"
fi

# --- brotli (optional: the build falls back to gzip alone) ----------------------
if command -v brotli >/dev/null 2>&1; then
  echo "==> brotli already installed"
elif [[ "$(id -u)" == 0 ]]; then
  echo "==> Installing brotli (apt-get; the web app is also precompressed with it)"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq brotli; }; then
    echo "WARNING: brotli could not be installed; the web app is precompressed with gzip only." >&2
  fi
else
  echo "==> No brotli command (not root, not installing it): the web app gets .gz siblings only"
fi

# --- chromium (only with --browser) -------------------------------------------
if [[ "$WANT_BROWSER" == 1 ]]; then
  # fonts-liberation2: Liberation Serif with Vietnamese letters (metric twin of Times New
  # Roman, which printed reports ask for); the older fonts-liberation lacks ạ, ơ, ư, ố.
  if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] && dpkg -s fonts-liberation2 >/dev/null 2>&1; then
    echo "==> chromium, chromedriver and fonts-liberation2 already installed"
  else
    SUDO=()
    if [[ "$(id -u)" != 0 ]]; then
      if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
      else
        echo "error: installing chromium needs root (or sudo)" >&2
        exit 1
      fi
    fi
    echo "==> Installing chromium, chromium-driver and fonts-liberation2 (apt-get)"
    "${SUDO[@]}" apt-get update
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver fonts-liberation2
  fi
fi

echo "==> Tools ready"
