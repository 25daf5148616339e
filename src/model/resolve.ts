// Raw (schema-valid) design -> resolved Design. Parses addresses and endpoints and fills in
// port modes; anything that cannot be parsed is reported and left out so that every other
// check still runs and the user sees all problems at once.
import { vlanRangeMessage } from './checks/link-vlans.js';
import { parseCidr, parseIp, type Cidr } from './ip.js';
import { resolveDhcp, resolveDns } from './resolve-dhcp.js';
import { VLAN_MAX, VLAN_MIN, type AttachMode, type SriovMode } from './limits.js';
import { error, type Finding, type PathSeg } from './problems.js';
import { resolveRouting, resolveTunnel } from './resolve-routing.js';
import type { RawDesign, RawInterface, RawLink, RawNode, RawRoute } from './schema.js';
import type { Design, DesignNode, Iface, Link, LinkEnd, PortMode, Route, Routed } from './types.js';
import { resolveFirewall } from './resolve-firewall.js';
import { resolveExec, resolveServices } from './resolve-services.js';
import type { RawCommand, RawService } from './services/index.js';
import type { RawFirewall } from './schema-firewall.js';

/**
 * The parts of a design file that passed the schema (analyse.ts reads it piece by piece): a
 * link that did not is undefined, so that the others keep their numbers.
 */
export type ReadDesign = Omit<RawDesign, 'links'> & { links: (RawLink | undefined)[] };

export function resolve(raw: ReadDesign, file: string): { design: Design; findings: Finding[] } {
  const f: Finding[] = [];
  const nodes: DesignNode[] = Object.entries(raw.nodes).map(([name, n]) => resolveNode(name, n, ['nodes', name], f));
  const links = raw.links.flatMap((l, i) => (l ? resolveLink(l, i, f) : []));
  const m = raw.mapping ?? {};
  // No prototype: a server called "constructor" must not find Object.prototype's.
  const servers: Design['mapping']['servers'] = Object.create(null);
  for (const [s, o] of Object.entries(m.servers ?? {})) servers[s] = o['macvlan-mode'] ? { macvlanMode: o['macvlan-mode'] } : {};
  const design: Design = {
    name: raw.name,
    file,
    nodes,
    links,
    mapping: { strategy: m.strategy ?? 'faithful', macvlanMode: m['macvlan-mode'] ?? 'bridge', servers },
  };
  if (raw.description !== undefined) design.description = raw.description;
  return { design, findings: f };
}

function resolveNode(name: string, n: RawNode, path: PathSeg[], f: Finding[]): DesignNode {
  const base = { name, path, ...(n.label !== undefined ? { label: n.label } : {}), ...(n.placement !== undefined ? { placement: n.placement } : {}) };
  switch (n.kind) {
    case 'switch':
      return {
        ...base,
        kind: 'switch',
        vlanAware: n['vlan-aware'] ?? false,
        stp: n.stp ?? false,
        hairpin: n.hairpin === true ? 'all' : Array.isArray(n.hairpin) ? n.hairpin : [],
      };
    case 'l3-switch':
      return {
        ...base,
        ...routed(n, path, f),
        kind: 'l3-switch',
        stp: n.stp ?? false,
        ...(n.routing ? { routing: resolveRouting(n.routing, [...path, 'routing'], f) } : {}),
        svis: Object.entries(n.vlans).flatMap(([vid, s]) => {
          const vlan = sviVlan(vid, [...path, 'vlans', vid], f);
          if (vlan === undefined) return [];
          const mac = s.mac !== undefined ? { mac: s.mac } : {};
          return [{ vlan, addresses: addresses(s.address, [...path, 'vlans', vid, 'address'], f), ...mac, path: [...path, 'vlans', vid] }];
        }),
      };
    case 'router': {
      const nat = n.nat ?? {};
      const natPath = [...path, 'nat'];
      return {
        ...base,
        ...routed(n, path, f),
        kind: 'router',
        nat: {
          masquerade: (nat.masquerade ?? []).map((m, i) => ({
            out: m.out,
            ...optCidr(m.from, [...natPath, 'masquerade', i, 'from'], f),
            path: [...natPath, 'masquerade', i],
          })),
          // A rule whose address does not parse is reported and left out, like a route.
          snat: (nat.snat ?? []).flatMap((m, i) => {
            const to = ip(m.to, [...natPath, 'snat', i, 'to'], f);
            return to === undefined ? [] : [{ out: m.out, to, ...optCidr(m.from, [...natPath, 'snat', i, 'from'], f), path: [...natPath, 'snat', i] }];
          }),
          portForwards: (nat['port-forwards'] ?? []).flatMap((p, i) => {
            const to = ip(p.to, [...natPath, 'port-forwards', i, 'to'], f);
            const path = [...natPath, 'port-forwards', i];
            return to === undefined ? [] : [{ in: p.in, protocol: p.protocol ?? 'tcp', port: p.port, to, toPort: p['to-port'] ?? p.port, path }];
          }),
          redirects: (nat.redirects ?? []).map((r, i) => ({
            in: r.in,
            protocol: r.protocol ?? 'tcp',
            port: r.port,
            toPort: r['to-port'],
            path: [...natPath, 'redirects', i],
          })),
          hairpin: nat.hairpin ?? false,
        },
        ...(n.routing ? { routing: resolveRouting(n.routing, [...path, 'routing'], f) } : {}),
      };
    }
    case 'server':
      return { ...base, ...routed(n, path, f), kind: 'server', vlanAware: n['vlan-aware'] ?? true, attach: n.attach ?? 'bridge' };
    case 'vm':
      return { ...base, ...routed(n, path, f), kind: 'vm', server: n.server };
    case 'host':
    case 'external':
      // Most nodes of a big design are hosts: spreading into a fresh literal allocated several
      // times what extending routed()'s result does (a third of resolve's memory at 20,000).
      return Object.assign(routed(n, path, f), base, { kind: n.kind });
  }
}

/** No prototype: a host name "constructor" must not find Object.prototype's. Shared when empty. */
const NO_HOSTS: Record<string, string> = Object.freeze(Object.create(null));

type RoutedRaw = {
  dhcp?: Parameters<typeof resolveDhcp>[1];
  dns?: Parameters<typeof resolveDns>[1];
  interfaces?: Record<string, RawInterface & { uplink?: string; vlan?: number; attach?: AttachMode; 'sriov-vfs'?: number; 'sriov-mode'?: SriovMode }>;
  gateway?: string;
  routes?: RawRoute[];
  hosts?: Record<string, string>;
  firewall?: RawFirewall;
  services?: RawService[];
  exec?: RawCommand[];
};

function routed(n: RoutedRaw, path: PathSeg[], f: Finding[]): Routed {
  const interfaces: Iface[] = Object.entries(n.interfaces ?? {}).map(([name, i]) => {
    const ipath = [...path, 'interfaces', name];
    const dhcp = i.address === 'dhcp';
    const iface: Iface = { node: String(path[1]), name, addresses: dhcp ? [] : addresses(i.address, [...ipath, 'address'], f), path: ipath };
    if (dhcp) iface.dhcp = true;
    if (i.mac !== undefined) iface.mac = i.mac;
    if (i.mtu !== undefined) iface.mtu = i.mtu;
    if (i.uplink !== undefined) iface.uplink = i.uplink;
    if (i.vlan !== undefined) iface.vlan = i.vlan;
    if (i.attach !== undefined) iface.attach = i.attach;
    if (i['sriov-vfs'] !== undefined) iface.sriovVfs = i['sriov-vfs'];
    if (i['sriov-mode'] !== undefined) iface.sriovMode = i['sriov-mode'];
    return iface;
  });
  const out: Routed = { interfaces, routes: [], hosts: n.hosts ? Object.assign(Object.create(null), n.hosts) : NO_HOSTS };
  if (n.dhcp !== undefined) out.dhcp = resolveDhcp(String(path[1]), n.dhcp, [...path, 'dhcp'], f);
  if (n.dns !== undefined) {
    const dns = resolveDns(String(path[1]), n.dns, [...path, 'dns']);
    if (dns) out.dns = dns;
  }
  if (n.gateway !== undefined) {
    const g = ip(n.gateway, [...path, 'gateway'], f);
    if (g !== undefined) out.gateway = g;
  }
  (n.routes ?? []).forEach((r, i) => {
    const rpath = [...path, 'routes', i];
    const to = r.to === 'default' ? parseCidr('0.0.0.0/0')! : parseCidr(r.to);
    if (!to) {
      f.push(error('E-BAD-CIDR', [...rpath, 'to'], `route destination "${r.to}" is not "default" or an IPv4 prefix like 10.0.0.0/8.`));
      return;
    }
    const route: Route = { to, path: rpath };
    if (r.via !== undefined) {
      const v = ip(r.via, [...rpath, 'via'], f);
      if (v === undefined) return;
      route.via = v;
    }
    if (r.dev !== undefined) route.dev = r.dev;
    if (route.via === undefined && route.dev === undefined) {
      f.push(error('E-ROUTE-NO-HOP', rpath, `route to ${r.to} needs "via" (a next-hop address) or "dev" (an interface).`));
      return;
    }
    out.routes.push(route);
  });
  if (n.firewall) out.firewall = resolveFirewall(n.firewall, [...path, 'firewall'], f);
  if (n.services?.length) out.services = resolveServices(n.services, [...path, 'services'], f);
  if (n.exec?.length) out.exec = resolveExec(n.exec, [...path, 'exec'], f);
  return out;
}

/**
 * The VLAN of an SVI key, or undefined (reported) when the key is none: keys are ids written
 * plainly, as "010" and "10" would be two SVIs for VLAN 10.
 */
function sviVlan(key: string, path: PathSeg[], f: Finding[]): number | undefined {
  const v = Number(key);
  if (/^0\d/.test(key)) f.push(error('E-VLAN-RANGE', path, `"${key}" is not how a VLAN id is written: write ${v}, without leading zeros.`, true));
  else if (!/^\d+$/.test(key)) f.push(error('E-VLAN-RANGE', path, `"${key}" is not a VLAN id: keys under "vlans" are numbers from ${VLAN_MIN} to ${VLAN_MAX}, e.g. "10: { address: 192.168.10.1/24 }".`, true));
  else if (v < VLAN_MIN || v > VLAN_MAX) f.push(error('E-VLAN-RANGE', path, vlanRangeMessage(v), true));
  else return v;
  return undefined;
}

function addresses(a: string | string[] | undefined, path: PathSeg[], f: Finding[]): Cidr[] {
  if (a === undefined) return [];
  const list = Array.isArray(a) ? a : [a];
  return list.flatMap((s, i) => {
    const p = Array.isArray(a) ? [...path, i] : path;
    const c = parseCidr(s);
    if (!c) {
      const hint = parseIp(s) !== undefined ? ` add a prefix length, e.g. ${s}/24.` : ' write it like 192.168.1.10/24.';
      f.push(error('E-BAD-CIDR', p, `"${s}" is not an IPv4 address with prefix length;${hint}`));
      return [];
    }
    return [c];
  });
}

function optCidr(s: string | undefined, path: PathSeg[], f: Finding[]): { from?: Cidr } {
  if (s === undefined) return {};
  const c = parseCidr(s);
  if (!c) {
    f.push(error('E-BAD-CIDR', path, `"${s}" is not an IPv4 prefix; write it like 192.168.0.0/16.`));
    return {};
  }
  return { from: c };
}

function ip(s: string, path: PathSeg[], f: Finding[]): number | undefined {
  const v = parseIp(s);
  if (v === undefined) {
    const hint = s.includes('/') ? ` drop the prefix length: ${s.split('/')[0]}.` : ' write it like 192.168.1.1.';
    f.push(error('E-BAD-IP', path, `"${s}" is not an IPv4 address;${hint}`));
  }
  return v;
}

function resolveLink(l: RawLink, i: number, f: Finding[]): Link[] {
  const path: PathSeg[] = ['links', i];
  if (l.endpoints.length !== 2) {
    f.push(error('E-LINK-ENDS', [...path, 'endpoints'], `link ${i + 1} has ${l.endpoints.length} endpoint(s); a cable has exactly two, like ["pc1:eth0", "sw1:p1"].`));
    return [];
  }
  const ends: LinkEnd[] = [];
  l.endpoints.forEach((e, j) => {
    const epath = [...path, 'endpoints', j];
    let node: string;
    let port: string;
    let own: { vlan?: number; trunk?: number[]; native?: number; local?: string } = {};
    if (typeof e === 'string') {
      const k = e.indexOf(':');
      if (k <= 0 || k === e.length - 1) {
        f.push(error('E-ENDPOINT', epath, `endpoint "${e}" must be "node:interface", e.g. "pc1:eth0".`));
        return;
      }
      node = e.slice(0, k);
      port = e.slice(k + 1);
    } else {
      node = e.node;
      port = e.interface;
      own = e;
    }
    const end: LinkEnd = { node, port, mode: portMode(own, l, epath, f), path: epath };
    if (own.local !== undefined) {
      const v = ip(own.local, [...epath, 'local'], f);
      if (v !== undefined) end.local = v;
    }
    ends.push(end);
  });
  if (ends.length !== 2) return [];
  const link: Link = { index: i + 1, ends: [ends[0]!, ends[1]!], path };
  if (l.mtu !== undefined) link.mtu = l.mtu;
  if (l.label !== undefined) link.label = l.label;
  if (l.tunnel) link.tunnel = resolveTunnel(l.tunnel, [...path, 'tunnel']);
  return [link];
}

/**
 * A per-end setting wins over the link-level one. Whether the end's device is VLAN-aware is
 * checked later (checks/vlans.ts); here we only record what the author wrote.
 */
function portMode(
  own: { vlan?: number; trunk?: number[]; native?: number; local?: string },
  l: RawLink,
  path: PathSeg[],
  f: Finding[],
): PortMode {
  const ownSet = own.vlan !== undefined || own.trunk !== undefined || own.native !== undefined;
  // (An end's "local" is no port setting: the link-level VLAN keys still apply beside it.)
  const src = ownSet ? own : l;
  if (src.vlan !== undefined && (src.trunk !== undefined || src.native !== undefined)) {
    // Point at the trunk/native key: the second of the two settings that conflict.
    const key = src.trunk !== undefined ? 'trunk' : 'native';
    f.push(error('E-VLAN-AND-TRUNK', [...(ownSet ? path : path.slice(0, 2)), key], `a port is either access ("vlan: ${src.vlan}") or trunk ("${key}:"), not both; remove one (a trunk's untagged VLAN is "native:").`, true));
  }
  if (src.trunk !== undefined || (src.native !== undefined && src.vlan === undefined)) {
    const m: PortMode = { mode: 'trunk', vlans: [...(src.trunk ?? [])].sort((a, b) => a - b) };
    if (src.native !== undefined) m.native = src.native;
    return m;
  }
  if (src.vlan !== undefined) return { mode: 'access', vlan: src.vlan };
  return { mode: 'plain' };
}
