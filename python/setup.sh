#!/usr/bin/env bash
# Builds the Python package's wheel and installs it, with what its tests need, into
# target/python/venv (made here; the test requirements are pinned in requirements-test.txt).
#   python/setup.sh [--release]
# Default: the `wheel-test` profile (Cargo.toml), built fast for the tests; --release: the
# optimised wheel of `pip install ./python`, for benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=wheel-test
[ "${1:-}" = "--release" ] && profile=release
venv=target/python/venv
if [ ! -x "$venv/bin/python" ]; then
  mkdir -p target/python
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
fi
"$venv/bin/pip" install --quiet -r python/requirements-test.txt
out=target/python/wheels-$profile
rm -rf "$out"
(cd python && "../$venv/bin/maturin" build --quiet --profile "$profile" -o "../$out")
"$venv/bin/pip" install --quiet --force-reinstall --no-deps "$out"/*.whl
