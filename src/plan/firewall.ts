// A node's firewall in the twin: one nftables table `inet vnetmap-fw` in the node's namespace,
// holding the design's rules (semantics/firewall.ts, the same steps the design's semantics
// evaluates) with interface names as the strategy placed them (a router's LAN may be a bridge
// under compact, a server's address its bridge under faithful).
import { formatIp, formatNet } from '../model/ip.js';
import type { DesignNode, Routed } from '../model/types.js';
import { designAddresses, nodeFirewall, type FwModel } from '../semantics/firewall.js';
import type { Ctx } from './context.js';
import type { Where } from './routing.js';
import type { FwRuleObj, FwTable } from './types.js';

export const FIREWALL_TABLE = 'vnetmap-fw';

export function realizeFirewall(ctx: Ctx, n: Extract<DesignNode, Routed>, ns: string, where: Where): void {
  if (!n.firewall) return;
  const dev = (name: string): string => {
    const svi = /^vlan(\d+)$/.exec(name);
    return where.iface(name)?.dev ?? (svi && where.svi ? where.svi(Number(svi[1]))?.dev : undefined) ?? name;
  };
  const fw = nodeFirewall(n, designAddresses(ctx.design), dev)!;
  const filter = firewallTable(fw);
  const realizes = [...fw.realizes, ...new Set(fw.steps.flatMap((s) => s.realizes))];
  ctx.b.add({ kind: 'nft', namespace: ns, family: 'inet', table: FIREWALL_TABLE, rules: [], filter, realizes });
}

/** The semantics' steps as the plan writes them (strings, as nft spells them). */
export function firewallTable(fw: FwModel): FwTable {
  const host = (n: { network: number; prefix: number }) => (n.prefix === 32 ? formatIp(n.network) : formatNet(n));
  const rules = fw.steps.map((s): FwRuleObj => {
    const m = s.match;
    return {
      chain: s.chain,
      verdict: s.verdict,
      ...(m.iif ? { iif: m.iif } : {}),
      ...(m.oif ? { oif: m.oif } : {}),
      ...(m.saddr ? { saddr: m.saddr.map(host) } : {}),
      ...(m.daddr ? { daddr: m.daddr.map(host) } : {}),
      ...(m.protocol ? { protocol: m.protocol } : {}),
      ...(m.dports ? { dports: m.dports.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)) } : {}),
      ...(m.icmpTypes ? { icmpTypes: m.icmpTypes } : {}),
      ...(m.dnat ? { dnat: true as const } : {}),
      rule: s.rule,
      label: s.label,
      realizes: s.realizes,
    };
  });
  return { stateful: fw.stateful, policy: { ...fw.policy }, rules };
}
