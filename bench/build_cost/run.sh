#!/usr/bin/env bash
# Cold release build of the same minimal app on ttv-helix and on twitch_api +
# twitch_oauth2 (fetched from crates.io; nothing of it is committed), measured
# side by side: A B A B ..., each from an empty target folder, with the same
# cargo and job count. Prints each time and the ratio ttv / peer.
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

build() { # prints seconds of a cold release build of $1
    local dir="$work/$1"
    rm -rf "$dir/target"
    local start end
    start=$(date +%s.%N)
    (cd "$dir" && cargo build --release --quiet)
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

(cd "$work/ttv" && cargo fetch --quiet) && (cd "$work/peer" && cargo fetch --quiet)
echo "crates: ttv-helix app $(cd "$work/ttv" && cargo tree --prefix none -e normal,build | sort -u | wc -l)," \
     "peer app $(cd "$work/peer" && cargo tree --prefix none -e normal,build | sort -u | wc -l)"
ttv_total=0; peer_total=0
for i in $(seq 1 "$runs"); do
    t=$(build ttv); p=$(build peer)
    echo "pair $i: ttv-helix ${t}s, twitch_api ${p}s, ratio $(echo "scale=3; $t / $p" | bc)"
    ttv_total=$(echo "$ttv_total + $t" | bc); peer_total=$(echo "$peer_total + $p" | bc)
done
echo "total: ttv-helix ${ttv_total}s, twitch_api ${peer_total}s, ratio $(echo "scale=3; $ttv_total / $peer_total" | bc) (target: at most 0.8)"
