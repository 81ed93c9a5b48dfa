#!/usr/bin/env python3
"""EventSub through one WebSocket session: events per second and the latency
from trigger to printed line, on loopback. Started by bench/eventsub.sh after
a release build.

It starts the release `ttv-mock` on 127.0.0.1, reads the `export` lines it
prints (Helix, OAuth and EventSub URLs, client id and secret, a user token),
and runs `ttv events listen channel.follow --broadcaster-user-id ninja` with
stdout on a pipe. Then:

  1. throughput: one trigger control call asks the mock for N events at once
     (`POST {helix}/mock/eventsub/trigger`, count N); the time from that call
     to the N-th line read from ttv's stdout gives events per second;
  2. latency: M single triggers one after another; for each, the time from
     sending the trigger to reading its line (median and 99th percentile).

Every line is checked: it parses as JSON, has the subscription type, and its
message id is one the mock reported sending (each seen once). Standard
library only.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_mock(mock_bin):
    proc = subprocess.Popen([mock_bin, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp")}
    deadline = time.time() + 60
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith("export "):
            key, _, value = line[len("export "):].strip().partition("=")
            env[key] = value
        if line.startswith("Press Ctrl-C"):
            return proc, env
    proc.kill()
    sys.exit("bench: ttv-mock printed no banner")


def trigger(helix, count):
    body = json.dumps({"type": "channel.follow", "version": "2", "count": count}).encode()
    req = urllib.request.Request(f"{helix}/mock/eventsub/trigger", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as answer:
        sent = json.load(answer)
    if sent.get("delivered") != count:
        sys.exit(f"bench: the mock delivered {sent.get('delivered')} of {count} events")
    return sent["message_ids"]


def read_line(listener, expected):
    line = listener.stdout.readline()
    if not line:
        sys.exit("bench: ttv events listen ended early")
    event = json.loads(line)
    if event.get("type") != "channel.follow" or event.get("message_id") not in expected:
        sys.exit(f"bench: unexpected line {line!r}")
    expected.discard(event["message_id"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=20000, help="events for the throughput run")
    parser.add_argument("--pings", type=int, default=500, help="single triggers for the latency run")
    args = parser.parse_args()
    release = os.path.join(ROOT, "target", "release")
    mock, env = start_mock(os.path.join(release, "ttv-mock"))
    listener = None
    try:
        helix = env["TWITCH_HELIX_URL"]
        listener = subprocess.Popen(
            [os.path.join(release, "ttv"), "events", "listen", "channel.follow", "--broadcaster-user-id", "ninja"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        # Subscribed once a trigger reaches it; retry until the session is up.
        deadline = time.time() + 30
        while True:
            body = json.dumps({"type": "channel.follow", "version": "2", "count": 1}).encode()
            req = urllib.request.Request(f"{helix}/mock/eventsub/trigger", data=body, method="POST")
            with urllib.request.urlopen(req, timeout=10) as answer:
                sent = json.load(answer)
            if sent.get("delivered") == 1:
                read_line(listener, set(sent["message_ids"]))
                break
            if time.time() > deadline or listener.poll() is not None:
                sys.exit(f"bench: the listener never subscribed: {listener.stderr.read() if listener.poll() is not None else ''}")
            time.sleep(0.05)

        started = time.perf_counter()
        expected = set(trigger(helix, args.events))
        for _ in range(args.events):
            read_line(listener, expected)
        elapsed = time.perf_counter() - started
        throughput = args.events / elapsed

        latencies = []
        for _ in range(args.pings):
            t0 = time.perf_counter()
            expected = set(trigger(helix, 1))
            read_line(listener, expected)
            latencies.append(time.perf_counter() - t0)
        latencies.sort()
        p50 = statistics.median(latencies)
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print("| case | figure |")
        print("|---|---:|")
        print(f"| events per second through one session ({args.events:,} events, one trigger) | {throughput:,.0f} /s |")
        print(f"| trigger to printed line, median ({args.pings} triggers) | {p50 * 1000:.2f} ms |")
        print(f"| trigger to printed line, 99th percentile | {p99 * 1000:.2f} ms |")
    finally:
        if listener is not None:
            listener.terminate()
            listener.wait()
        mock.terminate()
        mock.wait()


if __name__ == "__main__":
    main()
