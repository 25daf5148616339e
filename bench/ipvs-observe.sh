#!/usr/bin/env bash
# What reading the IPVS table costs `status` (docs/realize.md, "Status and drift"): the observer
# (libexec/observe.py, one process per lab) runs `ipvsadm -Sn` inside each namespace whose plan
# has IPVS services, as it runs `nft list table` for each nft table. This times the observer over
# N fresh namespaces with no command, with `nft list tables` in each (a command that succeeds)
# and with `ipvsadm -Sn` in each. bench/ipvs-observe.sh [N=200] [RUNS=5]; needs root. Prints a
# Markdown table (median wall time of RUNS).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench: run as root (it creates namespaces)" >&2; exit 2; }
N=${1:-200}
RUNS=${2:-5}
PREFIX="vnbench-ipvs-$$"
cleanup() { for i in $(seq 1 "$N"); do echo "netns del $PREFIX-$i"; done | ip -force -batch - 2>/dev/null || true; }
trap cleanup EXIT
for i in $(seq 1 "$N"); do echo "netns add $PREFIX-$i"; done | ip -batch -
request() { # $1: the command of each namespace as JSON ("" for none)
  /usr/bin/python3 -c '
import json, sys
n, prefix, cmd = int(sys.argv[1]), sys.argv[2], sys.argv[3]
print(json.dumps({"namespaces": [{"netns": "/var/run/netns/%s-%d" % (prefix, i), "sysctls": ["net.ipv4.ip_forward"], "txcsum": [], "commands": [json.loads(cmd)] if cmd else []} for i in range(1, n + 1)]}))' "$N" "$PREFIX" "$1"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_of() { # $1: request file; prints the median wall time in ms
  for _ in $(seq 1 "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/python3 -I -S libexec/observe.py <"$1" >/dev/null
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000))
  done | median
}
tmp=$(mktemp -d)
request "" >"$tmp/none.json"
request '["nft", "list", "tables"]' >"$tmp/nft.json"
request '["ipvsadm", "-Sn"]' >"$tmp/ipvs.json"
base=$(time_of "$tmp/none.json")
nft=$(time_of "$tmp/nft.json")
ipvs=$(time_of "$tmp/ipvs.json")
ipvs_ok=$(/usr/bin/python3 -I -S libexec/observe.py <"$tmp/ipvs.json" | /usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin)["namespaces"][0]["commands"][0]; print("exit %s: %s" % (r["code"], (r["stderr"].strip().splitlines() or ["ok"])[-1]))')
rm -rf "$tmp"
echo "Observer over $N namespaces, median of $RUNS runs, $(date -u +%Y-%m-%d), $(nproc) CPUs, load $(cut -d' ' -f1 /proc/loadavg), kernel $(uname -r)"
echo
echo "| in each namespace | observer wall time | per namespace, beyond the netlink reads |"
echo "|---|---|---|"
echo "| nothing (links, addresses, routes, tables, ip_forward) | ${base} ms | - |"
echo "| \`nft list tables\` | ${nft} ms | $(awk -v a="$nft" -v b="$base" -v n="$N" 'BEGIN {printf "%.2f ms", (a-b)/n}') |"
echo "| \`ipvsadm -Sn\` ($ipvs_ok) | ${ipvs} ms | $(awk -v a="$ipvs" -v b="$base" -v n="$N" 'BEGIN {printf "%.2f ms", (a-b)/n}') |"
