#!/usr/bin/env bash
# Installs everything vnetmap needs on a Debian/Ubuntu machine (as root) and builds it.
# Safe to run again: it only installs what is missing and (re)starts Open vSwitch if needed.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(iproute2 python3 nftables openvswitch-switch ovn-central ovn-host ethtool iperf3 tcpdump iputils-ping socat ipvsadm fping arp-scan iputils-arping procps coreutils util-linux findutils dnsmasq-base busybox frr chromium fonts-wqy-microhei)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# OVN (ovn-central, ovn-host): its packaged services are not used; `vnetmap up --engine ovn`
# starts its own daemons with private run directories and `down` stops them.
# Open vSwitch: Debian's package does not start its daemons in containers; start them here.
if ! ovs-vsctl --timeout=3 show >/dev/null 2>&1; then
  /usr/share/openvswitch/scripts/ovs-ctl start --system-id=random >/dev/null 2>&1 \
    || /usr/share/openvswitch/scripts/ovs-ctl start >/dev/null 2>&1 || echo "setup: could not start Open vSwitch; VLAN designs will need a kernel with 8021q" >&2
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
