#!/usr/bin/env bash
# The README's second command: set everything up and run every test (unit, golden, kernel);
# npm test type-checks src, scripts, tests and benches first (npm run typecheck).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
npm test
