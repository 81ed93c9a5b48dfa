#!/usr/bin/env bash
# Cold release build of the same minimal app on ttv-helix and on twitch_api +
# twitch_oauth2 (fetched from crates.io; nothing of it is committed), measured
# side by side: A B A B ..., each from an empty target folder, with the same
# cargo and job count. Prints each build's wall-clock and CPU time (user + sys,
# which other load on a shared machine disturbs less) and the ratios ttv / peer.
#
#   bench/build_cost/run.sh [--runs N]     (default 2 pairs)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
runs=2
[[ "${1:-}" == "--runs" ]] && runs="$2"
work="$root/target/build-cost"
mkdir -p "$work/ttv/src" "$work/peer/src"

cat > "$work/ttv/Cargo.toml" <<TOML
[package]
name = "ttv-min"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
ttv-helix = { path = "$root/generated" }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }

[workspace]
TOML
cat > "$work/peer/Cargo.toml" <<TOML
[package]
name = "peer-min"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
twitch_api = { version = "0.8", features = ["helix", "reqwest", "client"] }
twitch_oauth2 = { version = "0.17", features = ["client", "reqwest"] }
# TLS as ttv has it: rustls with ring (no C build of aws-lc).
reqwest = { version = "0.13", default-features = false, features = ["rustls-no-provider", "json"] }
rustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }

[workspace]
TOML
cp "$here/ttv_app.rs" "$work/ttv/src/main.rs"
cp "$here/peer_app.rs" "$work/peer/src/main.rs"

build() { # prints "wall user sys" seconds of a cold release build of $1
    local dir="$work/$1"
    rm -rf "$dir/target"
    local TIMEFORMAT='%R %U %S'
    # cargo's own messages go to a log, so that only time's report is captured.
    { time (cd "$dir" && cargo build --release --quiet 2>"$work/$1.log"); } 2>&1
}

calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

crates() { # distinct packages a build of $1 compiles (normal and build dependencies)
    (cd "$work/$1" && cargo tree --prefix none -e normal,build | sed 's/ (\*)//; s/ (proc-macro)//' | sort -u | wc -l)
}

(cd "$work/ttv" && cargo fetch --quiet) && (cd "$work/peer" && cargo fetch --quiet)
echo "crates: ttv-helix app $(crates ttv), peer app $(crates peer)"
ttv_total=0; peer_total=0; ttv_cpu=0; peer_cpu=0
for i in $(seq 1 "$runs"); do
    read -r t tu ts < <(build ttv)
    read -r p pu ps < <(build peer)
    tc=$(calc "$tu + $ts"); pc=$(calc "$pu + $ps")
    echo "pair $i: ttv-helix ${t}s (cpu ${tc}s), twitch_api ${p}s (cpu ${pc}s)," \
         "ratio $(calc "$t / $p") (cpu $(calc "$tc / $pc"))"
    ttv_total=$(calc "$ttv_total + $t"); peer_total=$(calc "$peer_total + $p")
    ttv_cpu=$(calc "$ttv_cpu + $tc"); peer_cpu=$(calc "$peer_cpu + $pc")
done
echo "total: ttv-helix ${ttv_total}s, twitch_api ${peer_total}s, ratio $(calc "$ttv_total / $peer_total")" \
     "(cpu ${ttv_cpu}s / ${peer_cpu}s = $(calc "$ttv_cpu / $peer_cpu")); target: at most 0.8"
