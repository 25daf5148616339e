#!/usr/bin/env bash
# DHCP and DNS targets of issue 27 (bench/dhcp-dns.ts): bench/dhcp-dns.sh [HOSTS=100] [RUNS=3] [ENGINE=kernel|ovn]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench: run as root (it creates namespaces and bridges)" >&2; exit 2; }
npx tsc -p bench
node dist/bench/dhcp-dns.js "$@"
