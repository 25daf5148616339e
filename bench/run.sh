#!/usr/bin/env bash
# vnetmap against Mininet, on this machine, in one run. Writes BENCHMARKS.md,
# bench/results/deploy.svg and bench/results/latest.json; scratch files go to bench/out/
# (never /tmp: Mininet's clean-up deletes /tmp/*.log and /tmp/*.out).
#   bench/run.sh            full run (deploy 10..1000, scale 2000/5000; long)
#   bench/run.sh --quick    reduced run (deploy 10 and 100, no scale climb)
#   other options: see bench/main.ts
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench: run as root (it creates namespaces and bridges)" >&2; exit 2; }
mkdir -p bench/out

# The baseline: Debian's Mininet with Linux-bridge switches (brctl from bridge-utils).
missing=()
for p in mininet bridge-utils; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bench: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# vnetmap itself, built the way users build it. If the tree is mid-change and the strict build
# fails, still emit JavaScript (tsc emits despite type errors) and say so.
if ! scripts/setup.sh >bench/out/setup.log 2>&1; then
  echo "bench: scripts/setup.sh failed (see bench/out/setup.log); building with plain tsc" >&2
  npx tsc -p . >>bench/out/setup.log 2>&1 || true
fi
npx tsc -p bench
node dist/bench/main.js "$@" 2>&1 | tee bench/out/run.log
