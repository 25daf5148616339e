// One line of text for the routing and tunnel objects of a plan (describe.ts does the others).
import { formatArea } from '../model/resolve-routing.js';
import type { RoutingObj, TunnelObj } from './types.js';

export function routingText(o: RoutingObj): string {
  const s = o.spec;
  const parts: string[] = [];
  if (s.ospf) {
    const ifs = s.ospf.ifaces.map((i) => `${i.dev} area ${formatArea(i.area)} cost ${i.cost}${i.passive ? ' passive' : ''}${i.pointToPoint ? ' p2p' : ''}`);
    const extra = [...s.ospf.redistribute.map((r) => `redistribute ${r}`), ...(s.ospf.defaultInformation ? [`default ${s.ospf.defaultInformation}`] : [])];
    parts.push(`ospf [${[...ifs, ...extra].join(', ')}]`);
  }
  if (s.bgp) {
    const nbs = s.bgp.neighbors.map((n) => `${n.address} as ${n.asn}${n.localPref !== undefined ? ` local-pref ${n.localPref}` : ''}${n.prepend ? ` prepend ${n.prepend}` : ''}${n.import ? ' import-list' : ''}${n.export ? ' export-list' : ''}`);
    const extra = [...s.bgp.networks.map((p) => `network ${p}`), ...s.bgp.redistribute.map((r) => `redistribute ${r}`)];
    parts.push(`bgp as ${s.bgp.asn} [${[...nbs, ...extra].join(', ')}]`);
  }
  return `routing in ${o.namespace}: router-id ${s.routerId} ${parts.join(' ')}`;
}

export function tunnelText(o: TunnelObj): string {
  const opts = [o.vni !== undefined ? `vni ${o.vni}` : '', o.port !== undefined ? `port ${o.port}` : '', o.key !== undefined ? `key ${o.key}` : '', o.dev ? `dev ${o.dev}` : '', o.master ? `master ${o.master}` : '', o.mtu ? `mtu ${o.mtu}` : ''].filter(Boolean);
  return `${o.type} ${o.name} in ${o.namespace} ${o.local} -> ${o.remote}${opts.length ? ' ' + opts.join(' ') : ''} (to ${o.peer.namespace}:${o.peer.name})`;
}
