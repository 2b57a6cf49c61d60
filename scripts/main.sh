#!/usr/bin/env bash
# The main job: set up, then execute every notebook into reports/*.html (+ reports/index.html).
# Without a corpus under the data root it runs on a labelled synthetic sample. SER_QUICK=1 for a short run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node bin/ser.js info
node bin/ser.js report "$@"
