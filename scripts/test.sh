#!/usr/bin/env bash
# The test suite: set up, then node's test runner over test/**/*.test.ts (compiled to dist/test).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npm test
