#!/usr/bin/env bash
# Benchmark (not a test): the real server's peak memory and consolidation times over a
# generated province. Generates the province with `hoctap generate` unless the data
# directory already holds it, starts `hoctap serve`, signs in a province administrator
# and asks for the province's consolidated figures three times (the first counts every
# part that has no kept figures), a commune's, and pulls a commune's operations; then
# prints each time and the server's peak resident memory (VmHWM).
#
# Usage: scripts/bench-server-memory.sh <data-dir> [hoctap generate flags…]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${1:?usage: $0 <data-dir> [generate flags]}"
shift
BIN="${HOCTAP_BIN:-$ROOT/target/release/hoctap}"
[[ -x "$BIN" ]] || cargo build --locked --release -q -p hoctap-server
if [[ ! -e "$DATA/generated" ]]; then
  "$BIN" generate --data-dir "$DATA" "$@"
  touch "$DATA/generated"
fi
PORT=$(( 20000 + RANDOM % 20000 ))
INVITE=$("$BIN" admin invite --data-dir "$DATA" --unit "${BENCH_PROVINCE:-province:01:2025}" --role province_admin \
  --display-name "Đo hiệu năng" --base-url "http://127.0.0.1:$PORT")
TOKEN=$(grep -o 'invitations/[A-Za-z0-9_-]*/accept' <<<"$INVITE" | head -1 | cut -d/ -f2)
"$BIN" serve --data-dir "$DATA" --bind "127.0.0.1:$PORT" --frontend /nonexistent >/tmp/hoctap-bench-server.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.2; done
SESSION=$(curl -sf -X POST "http://127.0.0.1:$PORT/api/v1/invitations/$TOKEN/accept" -H 'Content-Type: application/json' \
  -d "{\"username\": \"do-$RANDOM\", \"password\": \"mat-khau-do-hieu-nang\"}" | sed -E 's/.*"token":"([^"]*)".*/\1/')
get() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}s %{size_download}B' -H "Authorization: Bearer $SESSION" \
    "http://127.0.0.1:$PORT/api/v1$1"
}
UNIT="${BENCH_PROVINCE:-province:01:2025}"
COMMUNE="${BENCH_COMMUNE:-commune:00004:2025}"
echo "province consolidation, first: $(get "/consolidation/$UNIT?year=2026")"
echo "province consolidation, again: $(get "/consolidation/$UNIT?year=2026")"
echo "province consolidation, 2025: $(get "/consolidation/$UNIT?year=2025")"
echo "commune consolidation with its recognised list: $(get "/consolidation/$COMMUNE?year=2026")"
echo "commune report: $(get "/reports/$COMMUNE/2026")"
echo "province report: $(get "/reports/$UNIT/2026")"
echo "pull of the province scope, first page of 1,000: $(get "/sync/pull?after=0&limit=1000")"
echo "server peak memory: $(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' /proc/$PID/status), now $(awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' /proc/$PID/status)"
echo "data directory: $(du -sh "$DATA" | cut -f1)"
echo "the server's background count: $(grep -o 'figures counted ahead.*' /tmp/hoctap-bench-server.log | tr '\n' ' ')"
