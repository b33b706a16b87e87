#!/usr/bin/env bash
# Benchmarks (not part of the test run; timings on a shared machine vary). Prints the
# machine and the results; copy them into docs/benchmarks.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
echo "==> Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr), $(rustc --version)"
echo "==> Sync: one push and one pull of 1,000 operations (release build)"
cargo run --locked --release -q -p hoctap-server --example sync_bench
