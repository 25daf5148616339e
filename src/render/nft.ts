// NAT rules -> one nftables script per namespace, applied atomically with `nft -f -`.
// The script first declares and deletes our table so that re-applying replaces it whole.
import type { NatRule, NftObj } from '../plan/types.js';
import { renderFirewallNft } from './firewall-nft.js';

const q = (s: string): string => JSON.stringify(s); // nft accepts double-quoted interface names

/**
 * Set by a hairpin port forward in prerouting, read in postrouting, where the interface a
 * packet came in on is no longer known. Packet marks live in the namespace's own stack only.
 */
const HAIRPIN_MARK = '0x766e0001';
/** Set on connections a fullnat load balancer sent to a backend: masqueraded in postrouting. */
const FULLNAT_MARK = '0x766e0002';

/**
 * Where a load balancer sends a new connection: numgen counts new connections (rr; wrr gives each
 * backend a range as wide as its weight; lc has no nftables equivalent and goes round robin),
 * jhash of the source address keeps a client on one backend (sh). Only backends with a weight.
 */
export function lbTarget(r: Extract<NatRule, { type: 'lb' }>): string | undefined {
  const active = r.backends.filter((b) => b.weight > 0);
  if (!active.length) return undefined;
  if (active.length === 1) return `${active[0]!.to}:${active[0]!.toPort}`;
  const to = (b: (typeof active)[number]) => `${b.to} . ${b.toPort}`;
  if (r.scheduler === 'wrr') {
    let at = 0;
    const entries = active.map((b) => {
      const [lo, hi] = [at, at + b.weight - 1];
      at += b.weight;
      return `${lo === hi ? lo : `${lo}-${hi}`} : ${to(b)}`;
    });
    return `numgen inc mod ${at} map { ${entries.join(', ')} }`;
  }
  const pick = r.scheduler === 'sh' ? 'jhash ip saddr' : 'numgen inc';
  return `${pick} mod ${active.length} map { ${active.map((b, i) => `${i} : ${to(b)}`).join(', ')} }`;
}

function prerouting(r: NatRule): string | undefined {
  switch (r.type) {
    case 'dnat': {
      const iif = r.in ? `iifname ${q(r.in)}` : r.notIn ? `iifname != ${q(r.notIn)}` : '';
      const parts = [iif, r.daddr ? `ip daddr ${r.daddr}` : '', `${r.protocol} dport ${r.port}`, r.hairpin ? `meta mark set ${HAIRPIN_MARK}` : '', `dnat to ${r.to}:${r.toPort}`];
      return parts.filter(Boolean).join(' ');
    }
    case 'redirect':
      return `iifname ${q(r.in)} ${r.protocol} dport ${r.port} redirect to :${r.toPort}`;
    case 'lb': {
      const target = lbTarget(r);
      if (!target) return undefined;
      return [`ip daddr ${r.daddr} ${r.protocol} dport ${r.port}`, r.mode === 'fullnat' ? `meta mark set ${FULLNAT_MARK}` : '', `dnat to ${target}`, `comment ${q(`load balancer ${r.name}`)}`].filter(Boolean).join(' ');
    }
    default:
      return undefined;
  }
}

function postrouting(r: NatRule): string | undefined {
  switch (r.type) {
    case 'masquerade':
      return [`oifname ${q(r.out)}`, r.from ? `ip saddr ${r.from}` : '', 'masquerade'].filter(Boolean).join(' ');
    case 'snat':
      return [`oifname ${q(r.out)}`, r.from ? `ip saddr ${r.from}` : '', `snat to ${r.to}`].filter(Boolean).join(' ');
    case 'hairpin-masquerade':
      // Inside clients that reach a forwarded port through the public address must see the
      // reply come from the router, or the server answers them directly and they drop it.
      return `meta mark ${HAIRPIN_MARK} masquerade`;
    case 'lb':
      // fullnat: the backend sees this node's address and answers it, whatever its routes.
      return r.mode === 'fullnat' ? `meta mark ${FULLNAT_MARK} masquerade comment ${q(`load balancer ${r.name} (fullnat)`)}` : undefined;
    default:
      return undefined;
  }
}

/** What a table's step is for, in words (progress lines, the script's comments). */
export const nftWhy = (o: NftObj, ns: string | null): string => (o.filter ? `firewall of ${ns} (${o.filter.rules.length} rules)` : `NAT of ${ns} (${o.rules.length} rules)`);

export function renderNft(obj: NftObj): string {
  if (obj.filter) return renderFirewallNft(obj);
  const pre = obj.rules.map(prerouting).filter((x): x is string => !!x);
  const post = obj.rules.map(postrouting).filter((x): x is string => !!x);
  const t = `${obj.family ?? 'ip'} ${obj.table}`;
  return [
    `table ${t}`,
    `delete table ${t}`,
    `table ${t} {`,
    `  chain prerouting {`,
    `    type nat hook prerouting priority dstnat; policy accept;`,
    ...pre.map((l) => `    ${l}`),
    `  }`,
    `  chain postrouting {`,
    `    type nat hook postrouting priority srcnat; policy accept;`,
    ...post.map((l) => `    ${l}`),
    `  }`,
    `}`,
    '',
  ].join('\n');
}
