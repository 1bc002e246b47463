#!/usr/bin/env bash
# What the browser tests of the HTML report need, installed when missing: Debian's Chromium, a
# Java runtime (for the Nu Html Checker) and the npm packages pinned in package-lock.json
# (playwright-core drives the installed Chromium; vnu-jar is the checker). Run by
# tests/cli/report.rs once per test run, and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")"
apt() {
  apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq "$@" >/dev/null; }
}
command -v chromium >/dev/null 2>&1 || apt chromium
command -v java >/dev/null 2>&1 || apt default-jre-headless
command -v node >/dev/null 2>&1 || apt nodejs npm
if [ ! -f node_modules/playwright-core/package.json ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  npm ci --no-audit --no-fund --ignore-scripts >/dev/null
fi
