#!/usr/bin/env bash
# Regenerates the pictures in docs/images with vnetmap itself (docs/diagrams.md shows them).
# Planned for --capabilities full (a distribution kernel), so the pictures do not depend on
# the machine that draws them. Set PNG=1 to also write PNGs (needs rsvg-convert, librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."

# Use the built CLI when the tree builds; otherwise run the TypeScript directly.
if npm run --silent build >/dev/null 2>&1; then
  vnetmap() { node dist/vnetmap.mjs "$@"; }
else
  vnetmap() { npx vite-node src/cli/bin.ts "$@"; }
fi

out=docs/images
mkdir -p "$out"
draw() { # draw FILE SIDE STRATEGY NAME [extra args...]
  local file=$1 side=$2 strategy=$3 name=$4
  shift 4
  vnetmap draw "examples/$file.yaml" --side "$side" --strategy "$strategy" --capabilities full -o "$out/$name.svg" "$@"
  if [ "${PNG:-}" = 1 ] && command -v rsvg-convert >/dev/null; then rsvg-convert "$out/$name.svg" -o "$out/$name.png"; fi
}

draw network-b design faithful network-b.design
draw network-b both faithful network-b.faithful
draw network-b both compact network-b.compact
draw network-b both ovs network-b.ovs
draw network-a both faithful network-a.faithful
draw network-a both compact network-a.compact
draw network-b-servers both faithful network-b-servers.faithful
draw network-b-servers both macvtap network-b-servers.macvtap
draw network-a both faithful network-a.trace --trace internet 203.0.113.2 --trace-port 8080
draw hypervisors both faithful hypervisors.faithful
vnetmap draw examples/network-b.yaml --strategy faithful --capabilities full -o "$out/network-b.faithful.html"
