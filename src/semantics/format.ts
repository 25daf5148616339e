// Text and JSON renderings of expected domains and reachability, shared by `vnetmap expect`
// and the golden files. Small designs get the full endpoint matrix; large ones the class matrix.
import { formatIp } from '../model/ip.js';
import { isRouted, type Design } from '../model/types.js';
import { describeAttachments } from './attachments.js';
import type { DomainResult } from './domains.js';
import { pair, type PairResult, type Reachability } from './reachability.js';

/** Up to this many endpoints the matrix lists every endpoint; beyond it, classes. */
export const FULL_MATRIX_MAX = 60;

export const cellChar = (p: PairResult | undefined): string => (!p ? '-' : p.reach ? (p.l2 ? '#' : 'r') : p.l2 ? 'l' : '.');
export const LEGEND = '# reaches it in one broadcast domain   r reaches it through routers/NAT   l same domain, no round trip   . neither';

const short = (names: string[], max = 12) => (names.length > max ? `${names.slice(0, max).join(' ')} ... (+${names.length - max} more)` : names.join(' '));
const letter = (k: number): string => (k < 26 ? String.fromCharCode(65 + k) : letter(Math.floor(k / 26) - 1) + String.fromCharCode(65 + (k % 26)));

export function formatDomains(dr: DomainResult, nameOf: (ref: string) => string): string[] {
  const out = [`Broadcast domains (${dr.domains.length})`];
  for (const d of dr.domains) {
    const extra = [d.vlans.length ? `VLAN ${d.vlans.join(',')}` : '', d.switches.length ? `via ${d.switches.join(', ')}` : '', d.links.length ? `links ${d.links.join(',')}` : '']
      .filter(Boolean)
      .join('; ');
    out.push(`  ${String(d.id).padStart(2)}: ${short(d.members.map((m) => nameOf(m.ref)), 20)}${extra ? `   (${extra})` : ''}`);
    // Members a server attaches by macvtap hear only part of their domain.
    for (const line of describeAttachments(dr.attachments, nameOf, new Set(d.members.map((m) => m.ref)))) out.push(`      ${line}`);
  }
  for (const l of dr.loops) out.push(`  loop without STP: ${l.nodes.join(', ')} at link ${l.link}`);
  return out;
}

export function formatReachability(r: Reachability): string[] {
  const out = [`Reachability classes (${r.classes.length}): endpoints in one class behave alike`];
  r.classes.forEach((c, k) => out.push(`  ${letter(k).padStart(2)}: ${short(c.members.map((e) => e.name), 20)}`));
  out.push('', 'Reachability (ICMP round trip and ARP adjacency; rows: from, columns: to)', `  ${LEGEND}`);
  if (r.endpoints.length <= FULL_MATRIX_MAX) {
    const w = Math.max(...r.endpoints.map((e) => e.name.length), 4);
    const idx = r.endpoints.map((_, k) => String(k + 1));
    // Two-digit column numbers are written vertically so every column stays one character wide.
    if (idx.length >= 10) out.push(' '.repeat(w + 6) + idx.map((s) => (s.length > 1 ? s[0] : ' ')).join(' '));
    out.push(' '.repeat(w + 6) + idx.map((s) => s[s.length - 1]).join(' '));
    r.endpoints.forEach((a, i) => {
      const cells = r.endpoints.map((b) => (a === b ? '-' : cellChar(pair(r, a.ref, b.ref))));
      out.push(`  ${String(i + 1).padStart(2)} ${a.name.padEnd(w)} ${cells.join(' ')}`);
    });
  } else {
    out.push('  (by class; a class to itself: between two of its members)');
    out.push('      ' + r.classes.map((_, k) => letter(k).padStart(2)).join(''));
    r.cells.forEach((row, i) => out.push(`  ${letter(i).padStart(2)}  ${row.map((c) => cellChar(c).padStart(2)).join('')}`));
  }
  if (r.tcp.length) {
    out.push('', 'Connections: port forwards, redirects, ports firewall rules decide on, services (a connection must land on the target)');
    for (const t of r.tcp) {
      const lands = (e: (typeof r.endpoints)[number]) => t.fromClass.get(r.classOf.get(e.ref)!)!;
      const yes = r.endpoints.filter(lands).map((e) => e.name);
      const no = r.endpoints.filter((e) => !lands(e)).map((e) => e.name);
      if (t.kind === 'port' || t.kind === 'process') out.push(`  ${t.node} ${t.kind === 'process' ? 'process ' : ''}${t.protocol} ${formatIp(t.addr)}:${t.port}   [${t.rule}]`);
      else if (t.kind === 'balance') out.push(`  ${t.node} load balancer ${t.protocol} ${formatIp(t.addr)}:${t.port} (${t.scheduler}) -> ${t.backends!.map((b) => `${b.node} ${formatIp(b.addr)}:${b.port}`).join(' | ')}   [${t.rule}]`);
      else out.push(`  ${t.node} ${t.kind} ${t.protocol} ${formatIp(t.addr)}:${t.port} -> ${t.target.node} ${formatIp(t.target.addr)}:${t.target.port}   [${t.rule}]`);
      out.push(`      lands from: ${short(yes) || '(none)'}`);
      out.push(`      not from:   ${short(no) || '(none)'}`);
      if (t.kind === 'balance' || t.kind === 'proxy') {
        const seen = (b: { node: string; peerFrom: Map<number, number> }) => `${b.node} sees ${b.peerFrom.size ? [...new Set(b.peerFrom.values())].map(formatIp).join(', ') : "the client's own address"}`;
        out.push(`      source:     ${(t.backends ?? [{ node: t.target.node, peerFrom: t.peerFrom }]).map(seen).join('; ')}`);
      }
    }
  }
  return out;
}

export function reachabilityJson(r: Reachability, dr?: DomainResult): unknown {
  const nameOf = new Map(r.endpoints.map((e) => [e.ref, e.name]));
  return {
    ...(dr
      ? { domains: dr.domains.map((d) => ({ id: d.id, members: d.members.map((m) => nameOf.get(m.ref) ?? m.ref), vlans: d.vlans, switches: d.switches, links: d.links })) }
      : {}),
    endpoints: r.endpoints.map((e) => ({ name: e.name, ref: e.ref, address: e.addr.text, class: r.classOf.get(e.ref) })),
    classes: r.classes.map((c) => ({ id: c.id, members: c.members.map((e) => e.name) })),
    classMatrix: r.cells.map((row) => row.map((c) => (c ? { reach: c.reach, l2: c.l2 } : null))),
    ...(r.endpoints.length <= FULL_MATRIX_MAX
      ? { pairs: r.endpoints.flatMap((a) => r.endpoints.filter((b) => b !== a).map((b) => ({ from: a.name, to: b.name, ...pair(r, a.ref, b.ref) }))) }
      : {}),
    tcp: r.tcp.map((t) => ({
      kind: t.kind,
      rule: t.rule,
      router: t.node,
      connect: `${formatIp(t.addr)}:${t.port}`,
      protocol: t.protocol,
      target: `${t.target.node} ${formatIp(t.target.addr)}:${t.target.port}`,
      from: Object.fromEntries(r.classes.flatMap((c) => c.members.map((e) => [e.name, t.fromClass.get(c.id)!]))),
      ...(t.backends
        ? {
            scheduler: t.scheduler,
            backends: t.backends.map((b) => ({
              target: `${b.node} ${formatIp(b.addr)}:${b.port}`,
              from: Object.fromEntries(r.classes.flatMap((c) => c.members.map((e) => [e.name, b.fromClass.get(c.id)!]))),
              // The source the backend sees, where it is not the client's own address (fullnat).
              sees: Object.fromEntries(r.classes.flatMap((c) => (b.peerFrom.has(c.id) ? c.members.map((e) => [e.name, formatIp(b.peerFrom.get(c.id)!)]) : []))),
            })),
          }
        : {}),
    })),
  };
}

/**
 * DHCP clients and what the design says they get (docs/dhcp-dns.md): a reservation exactly, or
 * some address of a pool, for which the matrix below stands in with the address shown.
 */
export function formatLeases(d: Design): string[] {
  const rows: string[] = [];
  for (const n of d.nodes) {
    if (!isRouted(n)) continue;
    for (const i of n.interfaces) {
      const l = i.lease;
      if (!l) continue;
      const what = l.reserved !== undefined ? `reserved ${formatIp(l.reserved)}` : `some address of pool ${l.pools} (computed as ${i.addresses[0]?.text ?? '?'})`;
      rows.push(`  ${n.name} ${i.name}: ${what}, from ${l.server} ${l.dev}${l.relay ? ` through the relay on ${l.relay.node} ${l.relay.dev}` : ''}`);
    }
  }
  return rows.length ? [`DHCP leases (${rows.length})`, ...rows, ''] : [];
}
