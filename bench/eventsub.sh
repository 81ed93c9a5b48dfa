#!/usr/bin/env bash
# EventSub through one WebSocket session (see BENCHMARKS.md): events per second
# and trigger-to-line latency against the release ttv-mock. Not part of `cargo test`.
#
#   bench/eventsub.sh [--events N] [--pings N]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet -p ttv -p ttv-mock
exec python3 bench/eventsub.py "$@"
