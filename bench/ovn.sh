#!/usr/bin/env bash
# The OVN engine's benchmark (bench/ovn.ts says what it measures): as root, on this machine.
#   bench/ovn.sh                     everything (~3 min here)
#   bench/ovn.sh --skip scale        the quick parts;   --hosts 300 --chassis 2 --reps 1: smaller
# Writes bench/results/ovn.json and bench/results/ovn.md.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench: run as root (it creates namespaces and starts OVN daemons)" >&2; exit 2; }
mkdir -p bench/out
npm run --silent build
npx tsc -p bench
node dist/bench/ovn.js "$@" 2>&1 | tee bench/out/ovn.log
