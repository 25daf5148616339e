// VLAN settings on links, checked on the raw design because only the raw design says whether
// a setting was written on the link (applies to its VLAN-aware ends) or on one end (must be a
// VLAN-aware device), and where exactly each id was written.
import { VLAN_MAX, VLAN_MIN } from '../limits.js';
import { error, warning, type Finding, type PathSeg } from '../problems.js';
import type { ReadDesign } from '../resolve.js';
import type { RawNode } from '../schema.js';

interface VlanFields {
  vlan?: number | undefined;
  trunk?: number[] | undefined;
  native?: number | undefined;
}

export function checkLinkVlans(raw: ReadDesign): Finding[] {
  const f: Finding[] = [];
  raw.links.forEach((l, i) => {
    if (!l) return; // left out for its shape errors
    const lpath: PathSeg[] = ['links', i];
    fields(l, lpath, f);
    const ends = l.endpoints.map((e) => (typeof e === 'string' ? { node: e.slice(0, e.indexOf(':')), port: e.slice(e.indexOf(':') + 1) } : { node: e.node, port: e.interface }));
    // hasOwn: a node called "constructor" must not find Object.prototype's.
    const aware = ends.map(({ node, port }) => awareness(Object.hasOwn(raw.nodes, node) ? raw.nodes[node] : undefined, port));
    const linkKey = l.vlan !== undefined ? 'vlan' : l.trunk !== undefined ? 'trunk' : l.native !== undefined ? 'native' : undefined;
    // Unknown nodes are reported by references.ts; do not pile a second error on them.
    if (linkKey && aware.every((a) => a !== undefined && a !== 'aware') && aware.length === 2) {
      f.push(
        error('E-VLAN-NOT-AWARE', [...lpath, linkKey], `link ${i + 1} sets "${linkKey}" but neither end is a VLAN-aware switch (${ends.map((e, k) => `${e.node} is ${aware[k]}`).join(', ')}); remove it, or set "vlan-aware: true" on the switch.`, true),
      );
    }
    l.endpoints.forEach((e, j) => {
      if (typeof e === 'string') return;
      const epath = [...lpath, 'endpoints', j];
      fields(e, epath, f);
      const key = e.vlan !== undefined ? 'vlan' : e.trunk !== undefined ? 'trunk' : e.native !== undefined ? 'native' : undefined;
      const a = aware[j];
      if (key && a !== undefined && a !== 'aware') {
        f.push(
          error('E-VLAN-NOT-AWARE', [...epath, key], `${e.node}:${e.interface} cannot take "${key}": ${e.node} is ${a}, and only ports of VLAN-aware switches and L3 switches are access or trunk ports; remove it, or set it on the switch's end of the cable.`, true),
        );
      }
    });
  });
  return f;
}

/** Why a device's port is not VLAN-aware, or 'aware'; undefined for unknown nodes. */
function awareness(n: RawNode | undefined, port: string): string | undefined {
  if (!n) return undefined;
  switch (n.kind) {
    case 'switch':
      return n['vlan-aware'] ? 'aware' : 'a switch that is not VLAN-aware';
    case 'l3-switch':
      return n.interfaces && Object.hasOwn(n.interfaces, port) ? `an L3 switch and ${port} is a routed port` : 'aware';
    default:
      return n.kind === 'external' ? 'an external' : `a ${n.kind}`;
  }
}

function fields(x: VlanFields, path: PathSeg[], f: Finding[]): void {
  if (x.vlan !== undefined) range(x.vlan, [...path, 'vlan'], f);
  if (x.native !== undefined) range(x.native, [...path, 'native'], f);
  const seen = new Set<number>();
  (x.trunk ?? []).forEach((v, k) => {
    range(v, [...path, 'trunk', k], f);
    if (seen.has(v)) f.push(error('E-TRUNK-DUP', [...path, 'trunk', k], `VLAN ${v} is listed twice in this trunk; remove the repeat (or correct it if another VLAN was meant).`));
    seen.add(v);
  });
  if (x.native !== undefined && x.trunk?.includes(x.native)) {
    f.push(
      warning('W-NATIVE-IN-TRUNK', [...path, 'native'], `VLAN ${x.native} is both the native (untagged) VLAN and listed as tagged in "trunk"; it travels untagged, so drop it from "trunk".`),
    );
  }
}

export function vlanRangeMessage(v: number): string {
  return `VLAN id ${v} is outside ${VLAN_MIN}-${VLAN_MAX}, the ids 802.1Q allows (0 and 4095 are reserved); use a number from ${VLAN_MIN} to ${VLAN_MAX}.`;
}

function range(v: number, path: PathSeg[], f: Finding[]): void {
  if (!Number.isInteger(v) || v < VLAN_MIN || v > VLAN_MAX) f.push(error('E-VLAN-RANGE', path, vlanRangeMessage(v)));
}
