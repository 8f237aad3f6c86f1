#!/usr/bin/env bash
# test.sh: THE test command. On a fresh Debian 12 machine it installs what is missing,
# builds, and runs every test (GoogleTest, RapidCheck properties, real Node SDKs e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --node
bash scripts/build.sh
cd build
# Skipping the real-SDK tests because node_modules is missing would hide a broken set-up.
export EBSMOCK_REQUIRE_NODE=1
ctest --output-on-failure -j "$(nproc)" --timeout 600
