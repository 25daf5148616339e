#!/usr/bin/env bash
# The README's first command: set everything up, deploy the default example (network A, seed
# figure 3, mapped faithfully as in A_V0) and prove with real packets that the twin behaves like
# the design. The lab stays up afterwards: explore it with `npx vnetmap status network-a`,
# `npx vnetmap exec network-a pc1 -- ping -c 1 192.168.1.1`, and remove it with
# `npx vnetmap down network-a`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
npx vnetmap validate examples/network-a.yaml
npx vnetmap up examples/network-a.yaml
npx vnetmap verify network-a
