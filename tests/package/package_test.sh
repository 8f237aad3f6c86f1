#!/usr/bin/env bash
# package_test.sh: the Debian package, end to end, on this machine (run as root by the
# README test command after the ctest suite; it installs and removes the package):
#  1. scripts/package.sh builds it from the tree; lintian reports no error and no warning
#     (README "Install from a package" keeps none); the package names no path of the build
#     machine, and its description reads as written;
#  2. apt-get install puts `ebsmock` on the PATH; from an unrelated folder,
#     `ebsmock serve --scenario flaky-5xx --port 0` answers a real Node SDK call; `man
#     ebsmock` shows every subcommand `ebsmock --help` lists, and theirs (report render);
#  3. `ebsmock --version` and /__admin/health name the package's version;
#  4. an unknown scenario name exits 2 with the closest library names;
#  5. apt-get remove leaves no file or folder of the package behind (shared folders such
#     as /usr/bin aside).
# Exits non-zero at the first broken promise, saying which.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
fail() { echo "package_test: FAIL: $*" >&2; exit 1; }
step() { echo "package_test: $*"; }

step "building the package"
bash scripts/package.sh
deb=$(ls dist/ebsmock_*.deb)
version=$(dpkg-deb -f "$deb" Version)

step "lintian $deb"
lintian_out=$(lintian --tag-display-limit 0 "$deb" 2>&1 || true)
echo "$lintian_out"
if grep -q '^E: ' <<<"$lintian_out"; then fail "lintian reports errors"; fi
# README says no warning is kept: a warning fails too (one kept must be named there, with why).
if grep -q '^W: ' <<<"$lintian_out"; then fail "lintian warns (README keeps no warning)"; fi
# The description as apt shows it: no line starting with ';' (CMake's list separator, once
# at the start of every line of it).
if dpkg-deb -f "$deb" Description | grep -q '^ *;'; then
  fail "the package description has lines starting with ';': $(dpkg-deb -f "$deb" Description)"
fi
# Nothing of the build machine in the package (the man page once had the build folder in
# every Usage line): the binary, the man page, the docs.
unpacked=$(mktemp -d)
dpkg-deb -x "$deb" "$unpacked"
leaked=$(find "$unpacked" -type f | while read -r f; do
  # grep -c reads to the end: with -q, zcat's SIGPIPE would fail the pipe (pipefail).
  n=$(if [[ $f == *.gz ]]; then zcat "$f"; else cat "$f"; fi | grep -caF "$repo")
  [[ $n == 0 ]] || echo "${f#"$unpacked"}"
done || true)
rm -rf "$unpacked"
[[ -z $leaked ]] || fail "the package names the build folder $repo in:" $leaked

step "installing"
dpkg -s ebsmock >/dev/null 2>&1 && apt-get remove -y -qq ebsmock >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$repo/$deb" >/dev/null
trap 'apt-get remove -y -qq ebsmock >/dev/null 2>&1 || true' EXIT
[[ $(command -v ebsmock) == /usr/bin/ebsmock ]] || fail "ebsmock is not /usr/bin/ebsmock on the PATH"
[[ $(ebsmock --version) == "ebsmock $version" ]] || fail "ebsmock --version says '$(ebsmock --version)', the package is $version"

work=$(mktemp -d)
cd "$work"  # nowhere near the source tree
step "serve --scenario flaky-5xx from $work"
ebsmock scenarios | grep -q '^flaky-5xx ' || fail "ebsmock scenarios does not list flaky-5xx"
coproc SERVE { exec ebsmock serve --scenario flaky-5xx --port 0 2>"$work/serve.err"; }
read -r -t 30 first <&"${SERVE[0]}" || fail "serve printed nothing"
url=${first#listening on }
[[ $url == http://* ]] || fail "serve's first line is '$first'"
health=$(curl -s "$url/__admin/health")
grep -q "\"version\":\"$version\"" <<<"$health" || fail "health does not name version $version: $health"
grep -q "ebsmock $version" "$work/serve.err" || fail "serve does not print its version on stderr"
# A real Node SDK (pop-core through the repository's driver). flaky-5xx fails about one
# call in ten with InternalError, a documented answer too: either is an answer.
answer=$(printf '%s\n' '{"id":1,"action":"DescribeDiskReplicaPairs","params":{"RegionId":"cn-hangzhou"}}' |
  EBSMOCK_ENDPOINT=$url ALIBABA_CLOUD_ACCESS_KEY_ID=testid ALIBABA_CLOUD_ACCESS_KEY_SECRET=testsecret \
  ALIBABA_CLOUD_REGION_ID=cn-hangzhou node "$repo/harness/drivers/node/driver.mjs" --sdk pop-core)
if ! grep -q '"ok":true' <<<"$answer" && ! grep -q '"code":"InternalError"' <<<"$answer"; then
  fail "the Node SDK got no answer from the installed mock: $answer"
fi
kill "$SERVE_PID"; wait "$SERVE_PID" || true

step "unknown scenario name"
set +e
unknown=$(ebsmock serve --scenario flaky-5x --port 0 2>&1)
code=$?
set -e
[[ $code == 2 ]] || fail "an unknown scenario name exits $code, not 2"
grep -q 'closest: flaky-5xx' <<<"$unknown" || fail "no close match offered: $unknown"

step "man ebsmock"
manual=$(MANPAGER=cat MANWIDTH=120 man ebsmock 2>/dev/null)
subcommands_of() { sed -n '/^Subcommands:/,$p' | sed -n 's/^  \([a-z-]*\).*/\1/p'; }
subcommands=$(ebsmock --help | subcommands_of)
[[ -n $subcommands ]] || fail "ebsmock --help lists no subcommands"
commands=$subcommands
for sub in $subcommands; do  # and the subcommands they list in turn (report render)
  for inner in $(ebsmock "$sub" --help | subcommands_of); do commands+=$'\n'"$sub $inner"; done
done
while read -r command; do
  grep -q "ebsmock $command" <<<"$manual" || fail "man ebsmock does not show 'ebsmock $command'"
done <<<"$commands"

step "removing"
paths=$(dpkg -L ebsmock | grep -vx '/\.')
files=$(while read -r f; do [[ -f $f ]] && echo "$f"; done <<<"$paths")
apt-get remove -y -qq ebsmock >/dev/null
trap - EXIT
while read -r f; do
  [[ -e $f ]] || continue
  # A folder the package shares with others (/usr/bin, /usr/share/doc) stays, rightly.
  [[ -d $f ]] && dpkg -S "$f" >/dev/null 2>&1 && continue
  fail "apt-get remove left $f behind"
done <<<"$paths"
step "PASS ($deb, $(wc -l <<<"$files") files)"
