#!/usr/bin/env bash
# Process wall time of `helloworld run helloworld-say-hello`, against a Python baseline measured
# in the same run: a python3 process that imports what the classic HelloWorld integration imports
# (requests, urllib3, dateparser, json, logging, re, traceback) and prints the same entry.
# The classic integration does at least that much before its first line runs, so the ratio is a
# lower bound of our advantage. Results go to bench/results/ and the summary to stdout.
#
# Usage: bench/say_hello.sh [RUNS]    (default 300 runs per command, after 30 warm-ups)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-300}"

if ! command -v hyperfine >/dev/null 2>&1; then
    echo "bench: installing hyperfine (Debian package)" >&2
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; \
    else sudo apt-get update -qq && sudo apt-get install -y -qq hyperfine >/dev/null; fi
fi

venv=bench/.venv
if [ ! -x "$venv/bin/python" ]; then
    echo "bench: creating the Python baseline venv (requests, dateparser)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q requests dateparser
fi

cargo build --release --quiet
binary=target/release/helloworld
baseline='import json, logging, re, traceback, urllib3, requests, dateparser
print(json.dumps({"Type": 1, "ContentsFormat": "text", "Contents": "Hello Dbot", "HumanReadable": "## Hello Dbot", "EntryContext": {"hello": "Hello Dbot"}}))'

mkdir -p bench/results
hyperfine -N --warmup 30 --runs "$runs" --export-json bench/results/say_hello.json \
    --command-name "helloworld run helloworld-say-hello" "$binary run helloworld-say-hello name=Dbot" \
    --command-name "python baseline (classic imports)" "$venv/bin/python -c '$baseline'" >&2

python3 - <<'PY'
import json, platform, os, statistics
data = json.load(open("bench/results/say_hello.json"))["results"]
ours, base = data[0], data[1]
def ms(x): return x * 1000
print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
for r in data:
    print(f"{r['command']}: median {ms(r['median']):.2f} ms, mean {ms(r['mean']):.2f} ms "
          f"± {ms(r['stddev']):.2f}, min {ms(r['min']):.2f} ms, max {ms(r['max']):.2f} ms over {len(r['times'])} runs")
print(f"ratio (baseline median / ours median): {base['median'] / ours['median']:.0f}x")
target_ms = 5.0
verdict = "meets" if ms(ours['median']) <= target_ms else "MISSES"
print(f"target: median <= {target_ms} ms: {verdict}")
PY
