#!/usr/bin/env bash
# report-screenshot.sh: regenerates README's picture of an HTML contract report
# (harness/report/example.png): a seeded failing run of a planted client bug, rendered and
# photographed in Debian's chromium. Needs a build (scripts/build.sh) and
# `scripts/install-deps.sh --node`.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
build/harness/ebsmock contract --client builtin:new-token-on-retry --seed 7 --tests 60 \
  --html "$out/report.html" > /dev/null || true   # a failing run exits 1: that is the point
node tests/browser/screenshot.mjs "$out/report.html" harness/report/example.png 1280 1400
echo "wrote harness/report/example.png"
