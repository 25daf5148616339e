// Raw `firewall:` -> resolved Firewall. Ports and prefixes are parsed here; a part that does not
// parse is reported and left out of its rule, so the other checks still see the rest (a rule
// that lost its port would match more than written, so such a rule is left out whole).
import { parseCidr, parseIp } from './ip.js';
import { error, type Finding, type PathSeg } from './problems.js';
import type { RawFirewall } from './schema-firewall.js';
import type { Firewall, FirewallRule, FwAddr } from './types-firewall.js';

const PORT_MIN = 1;
const PORT_MAX = 65535;
const list = <T>(x: T | T[] | undefined): T[] | undefined => (x === undefined ? undefined : Array.isArray(x) ? x : [x]);

export function resolveFirewall(raw: RawFirewall, path: PathSeg[], f: Finding[]): Firewall {
  const rules: FirewallRule[] = [];
  (raw.rules ?? []).forEach((r, i) => {
    const rpath = [...path, 'rules', i];
    let ok = true;
    const addrs = (key: 'source' | 'destination'): FwAddr[] | undefined => {
      const xs = list(r[key]);
      return xs?.map((text, k) => {
        const at = Array.isArray(r[key]) ? [...rpath, key, k] : [...rpath, key];
        if (/^[\d.]+(\/\d+)?$/.test(text)) {
          const cidr = parseCidr(text.includes('/') ? text : `${text}/32`);
          if (!cidr || (!text.includes('/') && parseIp(text) === undefined)) {
            f.push(error('E-BAD-CIDR', at, `firewall ${key} "${text}" is not an IPv4 address or prefix; write it like 192.168.1.10 or 10.0.0.0/8, or name a node.`));
            ok = false;
          }
          return cidr ? { text, cidr } : { text };
        }
        return { text, node: text };
      });
    };
    const source = addrs('source');
    const destination = addrs('destination');
    const ports = list(r.port)?.flatMap((p, k): [number, number][] => {
      const at = Array.isArray(r.port) ? [...rpath, 'port', k] : [...rpath, 'port'];
      const range = portRange(p);
      if (!range) {
        f.push(error('E-PORT-RANGE', at, `firewall port ${JSON.stringify(p)} is not a port (${PORT_MIN}-${PORT_MAX}) or a range like "8000-8080" with the lower port first.`));
        ok = false;
        return [];
      }
      return [range];
    });
    if (!ok) return;
    const rule: FirewallRule = { action: r.action, protocol: r.protocol ?? 'any', path: rpath };
    const from = list(r.from);
    const to = list(r.to);
    if (from) rule.from = from;
    if (to) rule.to = to;
    if (source) rule.source = source;
    if (destination) rule.destination = destination;
    if (ports) rule.ports = ports;
    const icmp = list(r['icmp-type']);
    if (icmp) rule.icmpTypes = icmp;
    if (r.dnat !== undefined) rule.dnat = r.dnat;
    if (r.comment !== undefined) rule.comment = r.comment;
    rules.push(rule);
  });
  return {
    zones: Object.entries(raw.zones ?? {}).map(([name, ifaces]) => ({ name, ifaces, path: [...path, 'zones', name] })),
    stateful: raw.stateful ?? true,
    policy: { input: raw.input ?? 'accept', forward: raw.forward ?? 'accept', output: raw.output ?? 'accept' },
    rules,
    path,
  };
}

function portRange(p: number | string): [number, number] | undefined {
  const ok = (n: number) => Number.isInteger(n) && n >= PORT_MIN && n <= PORT_MAX;
  if (typeof p === 'number') return ok(p) ? [p, p] : undefined;
  const m = /^(\d+)(?:-(\d+))?$/.exec(p.trim());
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return ok(lo) && ok(hi) && lo <= hi ? [lo, hi] : undefined;
}
