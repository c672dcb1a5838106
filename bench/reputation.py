#!/usr/bin/env python3
"""Reputation benchmark (run with bench/reputation.sh, which builds the release binary first).

One `helloworld run ip ip=<1,000 IPs> --json` process against `helloworld sim --latency-ms 20`
(every vendor response takes 20 ms, as a remote API would), timed as process wall from Python:
- at the default reputation_concurrency (8), 3 runs, median;
- the baseline in the same run: reputation_concurrency=1, one lookup after the other as the
  classic integration does them, 3 runs (interleaved with the default ones), median;
- one run each at 16, 24 and 32, to show which concurrency meets the target when 8 does not.
Every run must give 1,000 entries, none of them an error. Standard library only.
"""
import ipaddress
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time

BINARY = "target/release/helloworld"
IPS = 1_000
LATENCY_MS = 20
RUNS = 3
TARGET_S = 1.5


def start_sim():
    process = subprocess.Popen(
        [BINARY, "sim", "--port", "0", "--latency-ms", str(LATENCY_MS), "--seed", "7"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return process, json.loads(process.stdout.readline())


def public_ips(count):
    """`count` distinct IPv4 addresses that are globally routable (no private, shared,
    loopback, link-local, documentation, benchmarking, multicast or reserved ones), so that
    the simulator has data on every one."""
    rng = random.Random(7)
    ips = []
    seen = set()
    while len(ips) < count:
        address = ipaddress.IPv4Address(rng.getrandbits(32))
        if address.is_global and not address.is_multicast and address not in seen:
            seen.add(address)
            ips.append(str(address))
    return ips


def timed_run(url, api_key, ips, concurrency=None):
    command = [BINARY, "run", "ip", "ip=" + ",".join(ips), "--json", "-p", f"url={url}"]
    if concurrency is not None:
        command += ["-p", f"reputation_concurrency={concurrency}"]
    began = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True,
                            env={**os.environ, "HELLOWORLD_API_KEY": api_key})
    elapsed = time.perf_counter() - began
    if result.returncode != 0:
        sys.exit(f"ip failed ({result.returncode}): {result.stderr[:2000]}")
    entries = json.loads(result.stdout)["results"]
    errors = [entry for entry in entries if entry["Type"] == 4]
    if len(entries) != len(ips) or errors:
        sys.exit(f"expected {len(ips)} verdicts, got {len(entries)} entries, {len(errors)} errors")
    return elapsed


def main():
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    ips = public_ips(IPS)
    process, sim = start_sim()
    try:
        url, api_key = sim["url"], sim["api_key"]
        default_walls, sequential_walls = [], []
        for _ in range(RUNS):
            default_walls.append(timed_run(url, api_key, ips))
            sequential_walls.append(timed_run(url, api_key, ips, concurrency=1))
        sweep = {concurrency: timed_run(url, api_key, ips, concurrency) for concurrency in (16, 24, 32)}
    finally:
        process.kill()
        process.wait()

    default = statistics.median(default_walls)
    sequential = statistics.median(sequential_walls)
    print(f"{IPS:,} IPs in one call, sim latency {LATENCY_MS} ms, process wall, every run 1,000 verdicts")
    print(f"concurrency 8 (default): median {default:.2f} s over {RUNS} runs "
          f"({', '.join(f'{wall:.2f}' for wall in default_walls)})")
    print(f"concurrency 1 (baseline, sequential like the classic): median {sequential:.2f} s over {RUNS} runs "
          f"({', '.join(f'{wall:.2f}' for wall in sequential_walls)})")
    for concurrency, wall in sweep.items():
        print(f"concurrency {concurrency}: {wall:.2f} s (one run)")
    print(f"ratio of medians, baseline / default: {sequential / default:.1f}x")
    measured = {8: default, **sweep}
    meeting = [concurrency for concurrency, wall in sorted(measured.items()) if wall <= TARGET_S]
    verdict = "met" if default <= TARGET_S else "missed"
    print(f"target: at most {TARGET_S} s at the default concurrency: {verdict}; "
          f"smallest measured concurrency within it: {meeting[0] if meeting else 'none'}")


if __name__ == "__main__":
    main()
