// A packet filter (plan FwTable) -> one nftables script for its namespace, `inet vnetmap-fw`,
// applied atomically with `nft -f -` like the NAT table: declared, deleted and made again, so
// that re-applying replaces it whole. Each chain first accepts what the semantics lets through
// before any rule (semantics/firewall.ts): packets of accepted connections (stateful) and
// loopback traffic; then the design's rules in order, each carrying its design ref as comment;
// then the chain's policy (reject as a last rule: nft policies are accept or drop only). A chain
// whose policy accepts and that has no rule is left out.
import type { FwRuleObj, NftObj } from '../plan/types.js';

const q = (s: string): string => JSON.stringify(s);
const set = (xs: string[]): string => (xs.length === 1 ? xs[0]! : `{ ${xs.join(', ')} }`);

/** nft names of the ICMP types (semantics numbers them). */
const ICMP_NAMES: Record<number, string> = { 0: 'echo-reply', 3: 'destination-unreachable', 5: 'redirect', 8: 'echo-request', 11: 'time-exceeded', 12: 'parameter-problem', 13: 'timestamp-request', 14: 'timestamp-reply' };

/** The match part of a rule; undefined when it can match nothing (an empty zone). */
function match(r: FwRuleObj): string | undefined {
  if (r.iif?.length === 0 || r.oif?.length === 0) return undefined;
  const parts: string[] = [];
  if (r.iif) parts.push(`iifname ${set(r.iif.map(q))}`);
  if (r.oif) parts.push(`oifname ${set(r.oif.map(q))}`);
  if (r.saddr) parts.push(`ip saddr ${set(r.saddr)}`);
  if (r.daddr) parts.push(`ip daddr ${set(r.daddr)}`);
  if (r.protocol === 'icmp') parts.push(r.icmpTypes ? `icmp type ${set(r.icmpTypes.map((t) => ICMP_NAMES[t] ?? String(t)))}` : 'meta l4proto icmp');
  else if (r.protocol) parts.push(r.dports ? `${r.protocol} dport ${set(r.dports)}` : `meta l4proto ${r.protocol}`);
  if (r.dnat) parts.push('ct status dnat');
  return parts.join(' ');
}

/** One design rule as nft rules: a reject of TCP answers with a reset, other protocols with ICMP port unreachable. */
function ruleLines(r: FwRuleObj): string[] {
  const m = match(r);
  if (m === undefined) return [];
  const comment = `comment ${q(r.realizes[0] ?? `rule ${r.rule}`)}`;
  const line = (what: string, verdict: string) => [what, verdict, comment].filter(Boolean).join(' ');
  if (r.verdict !== 'reject') return [line(m, r.verdict)];
  if (r.protocol === 'tcp') return [line(m, 'reject with tcp reset')];
  if (r.protocol) return [line(m, 'reject')];
  return [line(`${m} meta l4proto tcp`.trim(), 'reject with tcp reset'), line(m, 'reject')];
}

export function renderFirewallNft(obj: NftObj): string {
  const t = `${obj.family ?? 'inet'} ${obj.table}`;
  const fw = obj.filter!;
  const chain = (name: 'input' | 'forward' | 'output'): string[] => {
    const policy = fw.policy[name];
    const rules = fw.rules.filter((r) => r.chain === name);
    // A chain that accepts by policy and has no rule of the design decides nothing: left out.
    // Each base chain costs a netfilter hook in the namespace (a third of a table's load time
    // here), and most firewalls of hosts filter only what comes in.
    if (policy === 'accept' && !rules.length) return [];
    const lines = [
      `  chain ${name} {`,
      `    type filter hook ${name} priority filter; policy ${policy === 'accept' ? 'accept' : 'drop'};`,
      ...(fw.stateful ? ['    ct state established,related accept'] : []),
      ...(name === 'input' ? ['    iifname "lo" accept'] : name === 'output' ? ['    oifname "lo" accept'] : []),
      ...rules.flatMap(ruleLines).map((l) => `    ${l}`),
      ...(policy === 'reject' ? ['    meta l4proto tcp reject with tcp reset', '    reject'] : []),
      `  }`,
    ];
    return lines;
  };
  return [`table ${t}`, `delete table ${t}`, `table ${t} {`, ...chain('input'), ...chain('forward'), ...chain('output'), `}`, ''].join('\n');
}
