#!/usr/bin/env bash
# test.sh: THE test command. On a fresh Debian 12 machine it installs what is missing,
# builds, and runs every test (GoogleTest, RapidCheck properties, real Node SDKs e2e,
# browser tests of the report), then builds, installs and removes the Debian package.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --node --package
bash scripts/build.sh
cd build
# Skipping the real-SDK tests because node_modules is missing would hide a broken set-up.
export EBSMOCK_REQUIRE_NODE=1
ctest --output-on-failure -j "$(nproc)" --timeout 600
cd ..
# The Debian package: built, checked by lintian, installed, used, removed (as root).
bash tests/package/package_test.sh
