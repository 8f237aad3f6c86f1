#!/usr/bin/env bash
# package.sh: builds ebsmock's Debian package in a clean build folder, without the tests,
# and writes it to dist/ (ebsmock_<version>_<arch>.deb). Needs help2man and dpkg-dev
# (scripts/install-deps.sh --package installs them). Then:
#   apt-get install ./dist/ebsmock_*.deb      # ebsmock on the PATH, man ebsmock
#   lintian dist/ebsmock_*.deb                # Debian's own checks
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-package
rm -rf "$build"
command -v help2man >/dev/null || { echo "package.sh: help2man is missing (scripts/install-deps.sh --package)" >&2; exit 2; }
command -v dpkg-shlibdeps >/dev/null || { echo "package.sh: dpkg-shlibdeps is missing (dpkg-dev)" >&2; exit 2; }
# The same build type and compiler cache as scripts/build.sh, so after a build most objects
# come from the cache (the package's binary is stripped).
source scripts/compiler-cache.sh
# Only the installed library folder is compiled in: no path of this machine in the package.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEBSMOCK_BUILD_TESTS=OFF \
  -DEBSMOCK_SCENARIO_DIRS=/usr/share/ebsmock/scenarios "${launcher[@]}" > /dev/null
cmake --build "$build" -j "$(nproc)"
(cd "$build" && cpack -G DEB > /dev/null)
mkdir -p dist
rm -f dist/ebsmock_*.deb
cp "$build"/ebsmock_*.deb dist/
ls dist/ebsmock_*.deb
