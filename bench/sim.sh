#!/usr/bin/env bash
# Simulator start-up, memory and page latency; see bench/sim.py for the method.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
python3 bench/sim.py
