#!/usr/bin/env bash
# demo.sh: THE main job. Installs what is missing, builds, then starts an embedded mock
# on the default world and walks a replica pair through create -> start -> stop ->
# describe with the bundled reference client, printing every exchange; then ends with a
# contract report: the reference client under property-based testing (faults, illegal
# transitions, ambiguous failures) against an embedded mock, judged from its journal, also
# written as build/contract-report.html.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
build/harness/ebsmock demo "$@"
echo
# The same report as a page to open in a browser (README "Reading a contract report").
exec build/harness/ebsmock contract --client builtin:reference --html build/contract-report.html
