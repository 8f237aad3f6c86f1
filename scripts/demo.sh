#!/usr/bin/env bash
# demo.sh: THE main job. Installs what is missing, builds, then starts an embedded mock
# on the default world and walks a replica pair through create -> start -> stop ->
# describe with the bundled reference client, printing every exchange.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec build/harness/ebsmock demo "$@"
