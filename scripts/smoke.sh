#!/usr/bin/env bash
# Smoke test of what `scripts/run.sh` starts: the real `hoctap serve` on a free port
# with a fresh data directory and the built web app. Checks the API and the page,
# that SIGTERM stops it cleanly, and that a restart reopens the same data directory.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
cargo build --locked -q -p hoctap-server
BIN="$ROOT/target/debug/hoctap"
WORK="$(mktemp -d)"
PID=""
cleanup() { if [[ -n "$PID" ]]; then kill "$PID" 2>/dev/null || true; fi; rm -rf "$WORK"; }
trap cleanup EXIT

passed=0
failed=0
check() { # name, command…
  local name="$1"; shift
  if "$@"; then passed=$((passed + 1)); echo "  ok   $name"; else failed=$((failed + 1)); echo "  FAIL $name"; fi
}

start() {
  "$BIN" serve --data-dir "$WORK/data" --bind 127.0.0.1:0 --frontend "$ROOT/frontend/dist" >"$WORK/log" 2>&1 &
  PID=$!
  for _ in $(seq 1 100); do
    URL=$(grep -o 'http://127.0.0.1:[0-9]*/' "$WORK/log" | head -n 1 || true)
    [[ -n "$URL" ]] && return 0
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/log"; return 1; }
    sleep 0.1
  done
  cat "$WORK/log"
  return 1
}

stop() {
  kill -TERM "$PID"
  local code=0
  wait "$PID" || code=$?
  PID=""
  return "$code"
}

contains() { grep -q -- "$2" <<<"$1"; }

start
health=$(curl -fsS "${URL}api/v1/health")
check "health answers ok" contains "$health" '"status":"ok"'
page=$(curl -fsS "$URL")
check "the web app is served at /" contains "$page" 'hoctap_frontend.js'
sw_headers=$(curl -fsS -D - -o /dev/null "${URL}sw.js")
check "the service worker is served with no-cache" contains "$(tr 'A-Z' 'a-z' <<<"$sw_headers")" 'cache-control: no-cache'
check "the service worker carries the build hash" test -z "$(curl -fsS "${URL}sw.js" | grep -o __BUILD_HASH__ || true)"
deep=$(curl -fsS "${URL}ho-gia-dinh/123")
check "deep links get the app shell" contains "$deep" 'lang="vi"'
sets=$(curl -fsS "${URL}api/v1/criteria")
# Every version is listed; eight sets are current (the earlier versions stay for the
# evaluations made with them).
check "eight current criteria sets are listed" test "$(grep -o '"current":true' <<<"$sets" | wc -l)" -eq 8
outcome=$(curl -fsS -X POST --data '{"set":"cdht-244-2022","scores":{"1.1":8,"1.2":8,"1.3":8,"1.4":8,"2.1":8,"2.2":8,"2.3":8,"2.4":8,"3.1":8,"3.2":8}}' "${URL}api/v1/evaluations/score")
check "an evaluation is scored" contains "$outcome" '"recognised":true'
status=$(curl -s -o "$WORK/err" -w '%{http_code}' -X POST --data '{"set":"cdht-244-2022","scores":{"1.1":99}}' "${URL}api/v1/evaluations/score")
check "a bad score gets 422 with a Vietnamese message" test "$status" = 422 -a -n "$(grep -o 'Chỉ số 1.1' "$WORK/err")"
check "SIGTERM stops the server cleanly" stop
check "the shutdown flushed the data directory" grep -q "flushing" "$WORK/log"
start
check "a restart reopens the same data directory" contains "$(curl -fsS "${URL}api/v1/health")" '"schema_version":2'
stop || true

echo "smoke: $passed passed, $failed failed"
[[ "$failed" -eq 0 ]]
