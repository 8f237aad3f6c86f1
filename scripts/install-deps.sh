#!/usr/bin/env bash
# install-deps.sh: installs what ebsmock needs on Debian 12, only what is missing.
#   scripts/install-deps.sh          C++ toolchain and libraries (Debian packages)
#   scripts/install-deps.sh --package  also what scripts/package.sh and its test need
#   scripts/install-deps.sh --node   also the real Alibaba Node SDKs used by the e2e tests, and
#                                    Debian's chromium with playwright-core for the browser tests,
#                                    and Debian's mitmproxy for the HAR round trip
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build pkg-config libcpp-httplib-dev nlohmann-json3-dev
          librapidcheck-dev libtomlplusplus-dev libgtest-dev libcli11-dev libssl-dev libjemalloc-dev ccache
          zlib1g-dev)
# The Debian package: its man page, its checks, and what its test uses.
[[ " $* " == *" --package "* ]] && packages+=(help2man lintian dpkg-dev man-db curl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [[ " $* " == *" --node "* ]]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm
  fi
  # Exact versions are pinned in the lock files; skip a folder already installed from its lock.
  for dir in harness/drivers/node tests/browser; do
    lock=$dir/package-lock.json
    stamp=$dir/node_modules/.package-lock.json
    if [[ ! -f "$stamp" ]] || ! cmp -s <(sed -n '/"packages"/,$p' "$lock") <(sed -n '/"packages"/,$p' "$stamp" 2>/dev/null); then
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
  # The browser tests drive Debian's chromium; playwright-core never downloads one.
  if ! dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q "install ok installed"; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium
  fi
  # The HAR round trip (tests/e2e) captures through Debian's mitmproxy, as a customer would.
  if ! command -v mitmdump >/dev/null; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends mitmproxy
  fi
fi
