// Raw `routing:` of a router or L3 switch and raw `tunnel:` of a link -> their resolved forms
// (types.ts). Like resolve.ts: what cannot be parsed is reported and left out, so every other
// check still runs. Cross-references (interfaces, neighbours, areas) are checked in
// checks/routing.ts and checks/tunnels.ts.
import { formatIp, parseCidr, parseIp } from './ip.js';
import { error, type Finding, type PathSeg } from './problems.js';
import type { z } from 'zod';
import type { Routing as RawRoutingSchema, Tunnel as RawTunnelSchema, PrefixFilter as RawFilterSchema } from './schema-routing.js';
import type { BgpNeighbor, PrefixFilter, Routing, TunnelSpec } from './types.js';

type RawRouting = z.infer<typeof RawRoutingSchema>;
type RawTunnel = z.infer<typeof RawTunnelSchema>;
type RawFilter = z.infer<typeof RawFilterSchema>;

/** Default OSPF interface cost: always written into the twin's configuration, never left to FRR's bandwidth guess. */
export const OSPF_DEFAULT_COST = 10;
export const AREA_MAX = 0xffffffff;

/** An OSPF area as written (0, "0", "0.0.0.1") -> its 32-bit id, or undefined. */
export function parseArea(a: number | string): number | undefined {
  if (typeof a === 'number') return Number.isInteger(a) && a >= 0 && a <= AREA_MAX ? a : undefined;
  if (/^\d+$/.test(a)) return parseArea(Number(a));
  return parseIp(a);
}

/** Area id as FRR and people write it: dotted. */
export const formatArea = (a: number): string => formatIp(a);

export function resolveRouting(raw: RawRouting, path: PathSeg[], f: Finding[]): Routing {
  const out: Routing = { path };
  if (raw['router-id'] !== undefined) {
    const id = parseIp(raw['router-id']);
    if (id === undefined) f.push(error('E-BAD-IP', [...path, 'router-id'], `router ID "${raw['router-id']}" is not written like an IPv4 address; write it like 10.255.0.1.`));
    else out.routerId = id;
  }
  if (raw.ospf) {
    const o = raw.ospf;
    const opath = [...path, 'ospf'];
    const fallback = o.area === undefined ? 0 : area(o.area, [...opath, 'area'], f);
    out.ospf = {
      ifaces: Object.entries(o.interfaces).flatMap(([dev, i]) => {
        const ipath = [...opath, 'interfaces', dev];
        const a = i?.area === undefined ? fallback : area(i.area, [...ipath, 'area'], f);
        if (a === undefined) return [];
        return [{ dev, area: a, cost: i?.cost ?? OSPF_DEFAULT_COST, passive: i?.passive ?? false, path: ipath }];
      }),
      redistribute: [...new Set(o.redistribute ?? [])],
      ...(o['default-information'] ? { defaultInformation: o['default-information'] } : {}),
      path: opath,
    };
  }
  if (raw.bgp) {
    const b = raw.bgp;
    const bpath = [...path, 'bgp'];
    out.bgp = {
      asn: b.asn,
      networks: (b.networks ?? []).flatMap((s, i) => {
        const c = prefix(s, [...bpath, 'networks', i], f);
        return c ? [{ cidr: c, path: [...bpath, 'networks', i] }] : [];
      }),
      redistribute: [...new Set(b.redistribute ?? [])],
      neighbors: b.neighbors.flatMap((n, index): BgpNeighbor[] => {
        const npath = [...bpath, 'neighbors', index];
        const address = parseIp(n.address);
        if (address === undefined) {
          f.push(error('E-BAD-IP', [...npath, 'address'], `neighbour address "${n.address}" is not an IPv4 address; write it like 10.0.0.2.`));
          return [];
        }
        const nb: BgpNeighbor = { index, address, asn: n.asn, prepend: n.prepend ?? 0, path: npath };
        if (n['local-pref'] !== undefined) nb.localPref = n['local-pref'];
        if (n.import) nb.import = filters(n.import, [...npath, 'import'], f);
        if (n.export) nb.export = filters(n.export, [...npath, 'export'], f);
        return [nb];
      }),
      path: bpath,
    };
  }
  return out;
}

function area(a: number | string, path: PathSeg[], f: Finding[]): number | undefined {
  const v = parseArea(a);
  if (v === undefined) f.push(error('E-OSPF-AREA', path, `OSPF area ${JSON.stringify(a)} is not an area id; write a number from 0 to ${AREA_MAX} or a dotted id like 0.0.0.1 (0 is the backbone).`));
  return v;
}

function prefix(s: string, path: PathSeg[], f: Finding[]) {
  const c = parseCidr(s);
  if (!c) f.push(error('E-BAD-CIDR', path, `"${s}" is not an IPv4 prefix; write it like 10.1.0.0/16.`));
  return c;
}

function filters(raw: RawFilter[], path: PathSeg[], f: Finding[]): PrefixFilter[] {
  return raw.flatMap((r, i) => {
    const p = [...path, i];
    const text = typeof r === 'string' ? r : r.prefix;
    const c = prefix(text, typeof r === 'string' ? p : [...p, 'prefix'], f);
    if (!c) return [];
    const out: PrefixFilter = { network: c.network, prefix: c.prefix, path: p };
    if (typeof r !== 'string') {
      if (r.ge !== undefined) out.ge = r.ge;
      if (r.le !== undefined) out.le = r.le;
    }
    return [out];
  });
}

export function resolveTunnel(raw: RawTunnel, path: PathSeg[]): TunnelSpec {
  const t: TunnelSpec = { kind: raw.kind, path };
  if (raw.vni !== undefined) t.vni = raw.vni;
  if (raw.port !== undefined) t.port = raw.port;
  if (raw.key !== undefined) t.key = raw.key;
  return t;
}
