#!/usr/bin/env python3
"""Measures ttv against ../shared/bench/baseline.py, in one run, on one mock.

Started by bench/run.sh after a release build. It starts the release
`ttv-mock` on 127.0.0.1 (100,001 users, 100,000 live streams, a bucket large
enough for every case), points both programs at it through TWITCH_* and
measures:

  1. one call with a cached token: get-users --login ninja (median of N runs)
  2. 10,000 logins: get-users --login @FILE (ttv splits and sends 100 a
     request concurrently; the baseline sends them in turn), against a mock
     that answers each Helix request 50 ms late (--latency-ms), as a server
     across a network does (the 30x target), and on loopback as is (shown
     for the JSON cost; no target)
  3. following 100,000 items: get-streams --all (wall time and peak RSS of
     each process, from wait4)

Without the baseline it measures ttv alone and says the comparison was
skipped. Standard library only.
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CLIENT_ID = "ttvmockclient000000000000000000"
CLIENT_SECRET = "ttvmocksecret0000000000000000000"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, timeout=120.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"bench: the mock did not start on port {port}")


def measure(cmd, env, stdout=subprocess.DEVNULL):
    """Runs cmd; returns (seconds, peak RSS in kB). Fails loudly on a non-zero exit."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd[:3])}... exited {proc.returncode}:\n{err}")
    return elapsed, usage.ru_maxrss


def start_mock(mock_bin, work, name, extra):
    """Starts a mock; returns the process and the environment pointing at it."""
    port = free_port()
    proc = subprocess.Popen([mock_bin, "--port", str(port)] + extra,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port)
    except SystemExit:
        proc.terminate()
        raise
    base = f"http://127.0.0.1:{port}"
    home = os.path.join(work, name)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, "config"),
        "TTV_CACHE_DIR": os.path.join(home, "ttv-cache"),
        # The baseline caches its token under the temp folder: one per mock.
        "TMPDIR": os.path.join(home, "tmp"),
        "TWITCH_CLIENT_ID": CLIENT_ID,
        "TWITCH_CLIENT_SECRET": CLIENT_SECRET,
        "TWITCH_HELIX_URL": f"{base}/helix",
        "TWITCH_OAUTH2_URL": f"{base}/oauth2",
    }
    os.makedirs(env["TMPDIR"])
    return proc, env


def median_time(cmd, env, runs):
    return statistics.median(measure(cmd, env)[0] for _ in range(runs))


def fmt_time(s):
    return f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", default=os.path.join(ROOT, "..", "shared", "bench", "baseline.py"))
    ap.add_argument("--target-dir", default=os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")))
    ap.add_argument("--runs", type=int, default=21, help="runs of the one-call case (median)")
    ap.add_argument("--batch-runs", type=int, default=5, help="runs of the 10,000-logins cases (median)")
    ap.add_argument("--latency-ms", type=int, default=50, help="the second mock's delay per Helix request")
    args = ap.parse_args()

    ttv = os.path.join(args.target_dir, "release", "ttv")
    mock_bin = os.path.join(args.target_dir, "release", "ttv-mock")
    for b in (ttv, mock_bin):
        if not os.path.exists(b):
            sys.exit(f"bench: {b} is missing; run bench/run.sh (it builds in release mode first)")
    baseline = os.path.abspath(args.baseline)
    have_baseline = os.path.exists(baseline)

    work = tempfile.mkdtemp(prefix="ttv-bench-")
    mocks = []
    try:
        mock, env = start_mock(mock_bin, work, "local", [
            "--users", "100001", "--live-every", "1", "--follows-per-user", "0", "--games", "50",
            "--bucket-size", "10000000"])
        mocks.append(mock)
        slow, slow_env = start_mock(mock_bin, work, "slow", [
            "--users", "10010", "--follows-per-user", "0", "--bucket-size", "10000000",
            "--latency-ms", str(args.latency_ms)])
        mocks.append(slow)
        logins = os.path.join(work, "logins.txt")
        with open(logins, "w") as f:
            f.write("\n".join(f"user{i:04d}" for i in range(10, 10_010)) + "\n")
        py = [sys.executable, baseline]

        cases = {}
        # Warm up: mint and cache both tokens, fault in the binaries.
        measure([ttv, "get-users", "--login", "ninja"], env)
        if have_baseline:
            measure(py + ["getUsers", "--login=ninja"], env)

        one_ttv = median_time([ttv, "get-users", "--login", "ninja"], env, args.runs)
        one_base = median_time(py + ["getUsers", "--login=ninja"], env, args.runs) if have_baseline else None
        cases["one call, cached token"] = (one_ttv, one_base, 10, "time")

        # Check the answers once, then time.
        out = os.path.join(work, "users.json")
        with open(out, "w") as f:
            measure([ttv, "get-users", "--login", "@" + logins, "-o", "ndjson"], env, stdout=f)
        with open(out) as f:
            n = sum(1 for _ in f)
        if n != 10_000:
            sys.exit(f"bench: ttv returned {n} users for 10,000 logins")
        many_ttv = median_time([ttv, "get-users", "--login", "@" + logins], env, args.batch_runs)
        many_base = (median_time(py + ["getUsers", "--login=@" + logins], env, args.batch_runs)
                     if have_baseline else None)
        # No target on loopback: a request waits next to nothing there, so sending
        # them concurrently has nothing to win (see BENCHMARKS.md).
        cases["10,000 logins, loopback"] = (many_ttv, many_base, None, "time")

        measure([ttv, "get-users", "--login", "ninja"], slow_env)
        if have_baseline:
            measure(py + ["getUsers", "--login=ninja"], slow_env)
        far_ttv = median_time([ttv, "get-users", "--login", "@" + logins], slow_env, args.batch_runs)
        far_base = (median_time(py + ["getUsers", "--login=@" + logins], slow_env, args.batch_runs)
                    if have_baseline else None)
        cases[f"10,000 logins, {args.latency_ms} ms latency"] = (far_ttv, far_base, 30, "time")

        all_ttv, rss_ttv = measure([ttv, "get-streams", "--all", "-o", "ndjson"], env)
        if have_baseline:
            all_base, rss_base = measure(py + ["getStreams", "--all"], env)
        else:
            all_base = rss_base = None
        cases["follow 100,000 items: time"] = (all_ttv, all_base, None, "time")
        cases["follow 100,000 items: peak RSS"] = (rss_ttv, rss_base, None, "rss")
    finally:
        for m in mocks:
            m.terminate()
            m.wait()
        shutil.rmtree(work, ignore_errors=True)

    print(f"{'case':36} {'ttv':>12} {'baseline':>12} {'ratio':>8}  target")
    failed = False
    for name, (ours, theirs, target, kind) in cases.items():
        show = (lambda v: f"{v / 1024:.1f} MB") if kind == "rss" else fmt_time
        ratio = theirs / ours if theirs else None
        ratio_s = f"{ratio:.1f}x" if ratio else "-"
        if target and ratio:
            verdict = f">= {target}x: {'met' if ratio >= target else 'MISSED'}"
            failed |= ratio < target
        else:
            verdict = ""
        print(f"{name:36} {show(ours):>12} {show(theirs) if theirs else '-':>12} {ratio_s:>8}  {verdict}")
    if not have_baseline:
        print(f"\n{baseline} is absent: ttv measured alone, comparisons skipped.")
    print("\nratio = baseline / ttv (higher is better for ttv); times are medians over "
          f"{args.runs} runs (one call) and {args.batch_runs} runs (10,000 logins), one run for 100,000 items.")
    return 1 if failed and os.environ.get("BENCH_STRICT") else 0


if __name__ == "__main__":
    sys.exit(main())
