#!/usr/bin/env bash
# Benchmarks ttv against ../shared/bench/baseline.py on a local mock (see
# BENCHMARKS.md). Builds in release mode first; measures ttv alone when the
# baseline is absent. Not part of `cargo test`.
#
#   bench/run.sh [--runs N] [--batch-runs N] [--baseline PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p ttv -p ttv-mock
exec python3 bench/bench.py "$@"
