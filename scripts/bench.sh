#!/usr/bin/env bash
# Benchmarks (not part of the test run; timings on a shared machine vary). Prints the
# machine and the results; copy them into docs/benchmarks.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
echo "==> Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(rustc --version)"
echo "==> Sync: one push and one pull of 1,000 operations (release build)"
cargo run --locked --release -q -p hoctap-server --example sync_bench
echo "==> Register import: 30,000 rows from XLSX, preview and confirmed job (release build; goal ≤ 60 s)"
cargo run --locked --release -q -p hoctap-server --example import_bench
echo "==> Web app: first visit and a hamlet of 1,000 people in headless Chromium (release server)"
cargo build --locked --release -q -p hoctap-server
[[ -f frontend/dist/index.html ]] || "$ROOT/scripts/build-frontend.sh"
npm ci --prefix "$ROOT/tests/e2e" --no-audit --no-fund --silent
node "$ROOT/tests/e2e/measure.mjs"
echo "==> Review: the table's first render with 1,000 evaluations; 500 recognised at once on the slow network"
node "$ROOT/tests/e2e/measure-review.mjs"
echo "==> Self-assessment: 1,000 citizens' answers on one campaign within a minute, then all at once"
node "$ROOT/tests/e2e/measure-campaign.mjs"
HOCTAP_MEASURE_SECONDS=0 node "$ROOT/tests/e2e/measure-campaign.mjs"
echo "==> A generated province: ingest, pull and consolidation against plain sled (release build)"
BENCH_DIR="${BENCH_DIR:-$(mktemp -d)/province}"
mkdir -p "$(dirname "$BENCH_DIR")"
# The default province (100 communes, 17.6 million operations) takes about 44 GB of disk
# (sled writes about 2.5 KB per operation) and 1½ hours here; without the room, a tenth.
FREE_GB=$(df -P -BG "$(dirname "$BENCH_DIR")" | awk 'NR == 2 {print int($4)}')
if [[ -z "${BENCH_COMMUNES:-}" ]]; then
  if (( FREE_GB >= 50 )); then BENCH_COMMUNES=100; else
    BENCH_COMMUNES=10
    echo "    only ${FREE_GB} GB free under $(dirname "$BENCH_DIR"): 10 communes instead of the default 100 (set BENCH_DIR elsewhere, or BENCH_COMMUNES)"
  fi
fi
echo "    $BENCH_COMMUNES communes × 25 hamlets × 250 households in $BENCH_DIR"
cargo run --locked --release -q -p hoctap-server --example province_bench -- \
  --communes "$BENCH_COMMUNES" --runs "$(( BENCH_COMMUNES > 20 ? 3 : 5 ))" --dir "$BENCH_DIR"
touch "$BENCH_DIR/generated"
echo "==> The real server over the same province: requests and peak memory"
"$ROOT/scripts/bench-server-memory.sh" "$BENCH_DIR"
echo "==> Load test: 200 devices pushing and pulling for 60 s over loopback (release build; exits non-zero on any error or lost/duplicated operation)"
cargo run --locked --release -q -p hoctap-server --example load_test -- --devices 200 --seconds 60
echo "==> Load test, paced: the same 200 devices, each syncing about once a second"
cargo run --locked --release -q -p hoctap-server --example load_test -- --devices 200 --seconds 60 --think-ms 1000
