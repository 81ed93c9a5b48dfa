#!/usr/bin/env python3
"""EventSub through one WebSocket session: events per second and the latency
from trigger to printed line, on loopback. Started by bench/eventsub.sh after
a release build.

It starts the release `ttv-mock` on 127.0.0.1, reads the `export` lines it
prints (Helix, OAuth and EventSub URLs, client id and secret, a user token),
and runs `ttv events listen channel.follow --broadcaster-user-id ninja` with
stdout on a pipe. Then:

  1. throughput: trigger control calls ask the mock for N events, 1,000 a
     call (`POST {helix}/mock/eventsub/trigger`); the time from the first call
     to the last of the N lines read from ttv's stdout gives events per second;
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
import threading
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


TRIGGER_MAX = 1000  # the most events one trigger control call asks for


def trigger(helix, count):
    body = json.dumps({"type": "channel.follow", "version": "2", "count": count}).encode()
    req = urllib.request.Request(f"{helix}/mock/eventsub/trigger", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as answer:
        sent = json.load(answer)
    return sent.get("message_ids", [])


class Lines:
    """Reads ttv's stdout on a thread: each line checked, its arrival time kept by message id."""

    def __init__(self, listener):
        self.listener = listener
        self.arrived = {}
        self.bad = None
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.listener.stdout:
            now = time.perf_counter()
            try:
                event = json.loads(line)
                ok = event.get("type") == "channel.follow" and "message_id" in event and "event" in event
            except ValueError:
                ok = False
            with self.cond:
                if not ok:
                    self.bad = line
                elif event["message_id"] in self.arrived:
                    self.bad = f"message {event['message_id']} printed twice"
                else:
                    self.arrived[event["message_id"]] = now
                self.cond.notify_all()

    def wait(self, ids, timeout=60):
        deadline = time.time() + timeout
        with self.cond:
            while not all(i in self.arrived for i in ids):
                if self.bad:
                    sys.exit(f"bench: unexpected line {self.bad!r}")
                left = deadline - time.time()
                if left <= 0:
                    missing = sum(1 for i in ids if i not in self.arrived)
                    sys.exit(f"bench: {missing} of {len(ids)} events never printed")
                self.cond.wait(left)
            return [self.arrived[i] for i in ids]


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
            env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, bufsize=1)
        lines = Lines(listener)
        # Subscribed once a trigger reaches it; retry until the session is up.
        deadline = time.time() + 30
        while True:
            ids = trigger(helix, 1)
            if ids:
                lines.wait(ids)
                break
            if time.time() > deadline or listener.poll() is not None:
                sys.exit("bench: the listener never subscribed")
            time.sleep(0.05)

        started = time.perf_counter()
        expected = []
        while len(expected) < args.events:
            expected += trigger(helix, min(TRIGGER_MAX, args.events - len(expected)))
        last = max(lines.wait(expected))
        throughput = args.events / (last - started)

        latencies = []
        for _ in range(args.pings):
            t0 = time.perf_counter()
            ids = trigger(helix, 1)
            (arrived,) = lines.wait(ids)
            latencies.append(arrived - t0)
        latencies.sort()
        p50 = statistics.median(latencies)
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print("| case | figure |")
        print("|---|---:|")
        print(f"| events per second through one session ({args.events:,} events, 1,000 a trigger) | {throughput:,.0f} /s |")
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
