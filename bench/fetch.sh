#!/usr/bin/env bash
# Fetch drain: 100,000 alerts, max_fetch=200, one process per run; see bench/fetch_drain.py.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then
    echo "bench: installing GNU time (Debian package) for per-run peak RSS" >&2
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq time >/dev/null; \
    else sudo apt-get update -qq && sudo apt-get install -y -qq time >/dev/null; fi
fi
venv=bench/.venv
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q requests dateparser
fi
cargo build --release --quiet
python3 bench/fetch_drain.py
