#!/usr/bin/env python3
"""Fetch drain benchmark (run with bench/fetch.sh, which builds the release binary first).

Drains a 100,000-alert backlog from `helloworld sim` with max_fetch=200, one
`helloworld run fetch-incidents` process per run as XSOAR runs it, carrying last_run from each
run to the next (--last-run). Reports runs, total wall, incidents/s, per-run wall (median, p95),
the peak RSS of a run, and checks exactly-once against the simulator's ground truth.

Baseline, measured in the same run: a python3 process (the bench venv, with requests and
dateparser) that imports what the classic HelloWorld integration imports, calls the simulator's
classic /api/v1/get_alerts for 200 alerts and builds the classic incident dicts. The classic
integration does at least this much per run, so the ratio is a lower bound.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BINARY = "target/release/helloworld"
VENV_PYTHON = "bench/.venv/bin/python"
ALERTS = 100_000
MAX_FETCH = 200
RSS_FILE = "bench/results/fetch_run_rss.txt"

BASELINE = r'''
import json, sys, time, logging, re, traceback, urllib3, requests, dateparser
url, key, start = sys.argv[1], sys.argv[2], int(sys.argv[3])
alerts = requests.get(url + "/api/v1/get_alerts", headers={"Authorization": "Bearer " + key},
                      params={"alert_status": "ACTIVE", "severity": "Low,Medium,High,Critical",
                              "max_results": 200, "start_time": start}).json()
incidents = [{"name": a["name"], "occurred": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(a["created"])),
              "rawJSON": json.dumps(a), "severity": {"Low": 1, "Medium": 2, "High": 3, "Critical": 4}[a["severity"]]}
             for a in alerts]
print(len(incidents))
'''


def start_sim():
    process = subprocess.Popen(
        [BINARY, "sim", "--port", "0", "--alerts", str(ALERTS), "--seed", "7", "--days", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return process, json.loads(process.stdout.readline())


def ground_truth(url):
    with urllib.request.urlopen(f"{url}/_sim/alerts") as response:
        truth = json.load(response)
    return {alert["id"] for alert in truth["alerts"] if alert["status"] == "ACTIVE"}


# A fresh state database for this drain, so it neither reads nor fills the user's own.
STATE_FILE = os.path.join(tempfile.mkdtemp(prefix="helloworld-bench-"), "drain.sqlite")


def fetch_run(url, api_key, last_run):
    command = [BINARY, "run", "fetch-incidents", "--json", "-p", f"url={url}", "-p", f"max_fetch={MAX_FETCH}",
               "-p", "first_fetch=3 days", "--state", STATE_FILE]
    if last_run is not None:
        command += ["--last-run", json.dumps(last_run)]
    # /usr/bin/time reports this run's own peak RSS (its %M), without the simulator's.
    command = ["/usr/bin/time", "-o", RSS_FILE, "-f", "%M"] + command
    began = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "HELLOWORLD_API_KEY": api_key})
    elapsed = time.perf_counter() - began
    if result.returncode != 0:
        sys.exit(f"fetch failed: {result.stderr}")
    with open(RSS_FILE) as rss:
        peak_kib = int(rss.read().split()[-1])
    document = json.loads(result.stdout)
    return document["incidents"] or [], document["last_run"], elapsed, peak_kib


def main():
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    process, sim = start_sim()
    try:
        url, api_key = sim["url"], sim["api_key"]
        truth = ground_truth(url)
        os.makedirs("bench/results", exist_ok=True)
        last_run, fetched, walls, peaks = None, [], [], []
        drain_began = time.perf_counter()
        while True:
            incidents, next_last_run, elapsed, peak_kib = fetch_run(url, api_key, last_run)
            walls.append(elapsed)
            peaks.append(peak_kib)
            if not incidents:
                break
            fetched += [incident["dbotMirrorId"] for incident in incidents]
            last_run = next_last_run
        total = time.perf_counter() - drain_began
        full_runs = [wall for wall in walls[:-1]]
        print(f"runs: {len(walls)} ({len(walls) - 1} with incidents, then one empty)")
        print(f"incidents: {len(fetched):,}; distinct: {len(set(fetched)):,}; ground truth: {len(truth):,}")
        print(f"exactly once: {len(fetched) == len(set(fetched)) and set(fetched) == truth}")
        print(f"total wall: {total:.2f} s; incidents/s: {len(fetched) / total:,.0f}")
        print(f"process wall per run of {MAX_FETCH} (includes /usr/bin/time): median {statistics.median(full_runs) * 1000:.2f} ms, "
              f"p95 {sorted(full_runs)[int(len(full_runs) * 0.95)] * 1000:.2f} ms")
        print(f"peak RSS of one run: max {max(peaks) / 1024:.1f} MiB, median {statistics.median(peaks) / 1024:.1f} MiB")

        start = int(time.time()) - 3 * 86400
        baseline_walls = []
        for _ in range(20):
            began = time.perf_counter()
            subprocess.run([VENV_PYTHON, "-c", BASELINE, url, api_key, str(start)], check=True, capture_output=True)
            baseline_walls.append(time.perf_counter() - began)
        baseline = statistics.median(baseline_walls)
        print(f"baseline (python, classic imports, one classic get_alerts of 200): median {baseline * 1000:.1f} ms per run "
              f"over 20 runs; ratio {baseline / statistics.median(full_runs):.0f}x")
    finally:
        process.kill()
        process.wait()


if __name__ == "__main__":
    main()
