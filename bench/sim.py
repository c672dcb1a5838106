#!/usr/bin/env python3
"""Simulator benchmarks (run with bench/sim.sh, which builds the release binary first).

- start-up: process start to the first stdout line, for 100,000 and 1,000,000 alerts;
- memory: resident set size with 1,000,000 alerts, after start-up and after paging;
- page latency: GET /api/v2/alerts?limit=200 walking the cursor, over one keep-alive
  connection, against GET /_sim/health (the cheapest route) measured in the same run as the
  baseline of a request that does no work.
Only the standard library is used, so the numbers include no third-party client overhead.
"""
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import time

from benchlib import rss_mib

BINARY = "target/release/helloworld"
ANCHOR = "2026-11-01T00:00:00Z"


def start(alerts):
    began = time.perf_counter()
    process = subprocess.Popen(
        [BINARY, "sim", "--port", "0", "--alerts", str(alerts), "--seed", "7", "--anchor", ANCHOR],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    elapsed = time.perf_counter() - began
    return process, json.loads(line), elapsed


def token(connection, api_key):
    connection.request("POST", "/api/v2/auth/token", json.dumps({"api_key": api_key}),
                       {"Content-Type": "application/json"})
    return json.loads(connection.getresponse().read())["access_token"]


def timed_gets(connection, paths, headers):
    times = []
    for path in paths:
        began = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        times.append((time.perf_counter() - began) * 1000)
        if response.status != 200:
            sys.exit(f"{path}: {response.status} {body[:200]!r}")
    return times


def describe(name, times):
    times = sorted(times)
    p99 = times[int(len(times) * 0.99) - 1]
    print(f"{name}: median {statistics.median(times):.3f} ms, p99 {p99:.3f} ms over {len(times)} requests")
    return statistics.median(times)


def main():
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    for alerts in (100_000, 1_000_000):
        startups = []
        for _ in range(5):
            process, _, elapsed = start(alerts)
            startups.append(elapsed)
            process.kill()
            process.wait()
        print(f"start-up with {alerts:,} alerts: median {statistics.median(startups):.2f} s over 5 runs")

    process, announcement, _ = start(1_000_000)
    try:
        print(f"RSS with 1,000,000 alerts after start-up: {rss_mib(process.pid):.0f} MiB")
        host = announcement["url"].removeprefix("http://")
        connection = http.client.HTTPConnection(host)
        headers = {"Authorization": f"Bearer {token(connection, announcement['api_key'])}"}
        timed_gets(connection, ["/_sim/health"] * 100, headers)  # warm-up
        baseline = describe("GET /_sim/health (baseline)", timed_gets(connection, ["/_sim/health"] * 1000, headers))
        pages, cursor = [], None
        page_times = []
        for _ in range(1000):
            path = "/api/v2/alerts?limit=200" + (f"&cursor={cursor}" if cursor else "")
            began = time.perf_counter()
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            page_times.append((time.perf_counter() - began) * 1000)
            page = json.loads(body)
            pages.append(len(page["alerts"]))
            cursor = page["next_cursor"]
        median = describe("GET /api/v2/alerts?limit=200 (walking the cursor)", page_times)
        print(f"alerts paged: {sum(pages):,}; page cost over the baseline: {median / baseline:.1f}x")
        print(f"RSS after paging: {rss_mib(process.pid):.0f} MiB")
    finally:
        process.kill()
        process.wait()


if __name__ == "__main__":
    main()
