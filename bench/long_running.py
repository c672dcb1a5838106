#!/usr/bin/env python3
"""Push-listener benchmark (build first: cargo build --release; run from the repository root).

`helloworld long-running` runs with the local host (incidents go to its SQLite state file);
the pushers are separate processes (multiprocessing), each with one keep-alive connection,
sending signed pushes back to back and timing each request until its answer:
- single: one alert per request (the latency target's case);
- batch: {"alerts": [100 alerts]} per request (the alerts/s target's case);
- baseline: GET /health in the same run, a request that does no work, so the figures show
  what the listener adds to the HTTP round trip of this machine and this client.
RSS is the listener's VmRSS after each phase. Only the standard library is used.
Usage: bench/long_running.py [SECONDS_PER_PHASE] [PUSHER_PROCESSES]
"""
import hashlib
import hmac
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import rss_mib

BINARY = "target/release/helloworld"
SECRET = "bench-webhook-secret"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alert(ident):
    return {"id": ident, "name": f"bench {ident}", "type": "Attack", "status": "ACTIVE",
            "severity": "High", "created": "2026-11-01T00:00:00Z", "description": "bench"}


def worker(args):
    port, kind, worker_id, seconds = args
    connection = http.client.HTTPConnection("127.0.0.1", port)
    times, alerts, refused, n = [], 0, 0, 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        n += 1
        if kind == "health":
            method, body, headers = "GET", None, {}
            path = "/health"
            count = 0
        else:
            if kind == "single":
                payload = alert(f"HW-{kind}-{worker_id}-{n}")
                count = 1
            else:
                payload = {"alerts": [alert(f"HW-{kind}-{worker_id}-{n}-{i}") for i in range(100)]}
                count = 100
            body = json.dumps(payload).encode()
            signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            method, path = "POST", "/"
            headers = {"Content-Type": "application/json", "X-HelloWorld-Signature": signature}
        began = time.perf_counter()
        connection.request(method, path, body, headers)
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - began) * 1000)
        if response.status == 200:
            alerts += count
        else:
            refused += 1
    return times, alerts, refused


def phase(port, kind, seconds, processes):
    with multiprocessing.Pool(processes) as pool:
        began = time.perf_counter()
        results = pool.map(worker, [(port, kind, w, seconds) for w in range(processes)])
        elapsed = time.perf_counter() - began
    times = sorted(t for result in results for t in result[0])
    alerts = sum(result[1] for result in results)
    refused = sum(result[2] for result in results)
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    return {"kind": kind, "requests_per_s": len(times) / elapsed, "alerts_per_s": alerts / elapsed,
            "p50_ms": p(0.50), "p99_ms": p(0.99), "refused": refused, "requests": len(times)}


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    processes = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    port = free_port()
    state = os.path.join(tempfile.mkdtemp(), "bench.sqlite")
    env = dict(os.environ, HELLOWORLD_API_KEY="bench")
    listener = subprocess.Popen(
        [BINARY, "long-running", "--state", state, "-p", "url=http://127.0.0.1:9",
         "-p", f"longRunningPort={port}", "-p", f"webhook_secret={SECRET}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/health")
            break
        except OSError:
            time.sleep(0.05)
    print(f"cpus={os.cpu_count()} pushers={processes} seconds_per_phase={seconds}")
    print(f"rss_idle_mib={rss_mib(listener.pid):.1f}")
    for kind in ["health", "single", "batch"]:
        result = phase(port, kind, seconds, processes)
        result["rss_mib"] = rss_mib(listener.pid)
        print(json.dumps({k: (round(v, 2) if isinstance(v, float) else v) for k, v in result.items()}))
    listener.terminate()
    listener.wait(timeout=30)
    print(f"exit={listener.returncode}")


if __name__ == "__main__":
    main()
