#!/usr/bin/env bash
# Reputation: 1,000 IPs in one `ip` call against a 20 ms vendor; see bench/reputation.py.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
python3 bench/reputation.py
