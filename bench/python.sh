#!/usr/bin/env bash
# Times churn's tagger in Python engines against `churn tag`, on the same generated export:
#   bench/python.sh [--runs N] [ROWS]      default: 5 runs, 1000000 rows
# Builds churn and the generator in release mode, and the package's optimised wheel into
# target/python/venv (python/setup.sh --release).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin churn --example generate
bash python/setup.sh --release
exec target/python/venv/bin/python bench/python.py "$@"
