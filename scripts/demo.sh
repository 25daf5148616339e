#!/usr/bin/env bash
# The README's first command: set everything up, deploy the default example (network A)
# and verify that the twin behaves like the design.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
npx vnetmap validate examples/network-a.yaml
npx vnetmap plan examples/network-a.yaml --explain
