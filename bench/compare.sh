#!/usr/bin/env bash
# Benchmarks churn against DuckDB, polars (Python) and pandas on the same generated exports.
#   bench/compare.sh [--runs N] [--vocabulary large] [--churn BIN] [ROWS...]
#       default: 1000000 10000000, 5 runs; --vocabulary large: answers among Zipf-distributed words
# Installs the Python peers into target/bench/venv (pinned in bench/requirements.txt) and builds
# churn and the generator in release mode. Prints wall time, peak memory and ratios to churn.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin churn --example generate
venv=target/bench/venv
if [ ! -x "$venv/bin/python" ]; then
  mkdir -p target/bench
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
fi
"$venv/bin/pip" install --quiet -r bench/requirements.txt
exec "$venv/bin/python" bench/compare.py "$@"
