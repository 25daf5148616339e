// NAT rules of routers: the interfaces they name exist, forwards lead to a device of the design,
// SNAT uses the router's own address, and no incoming port is claimed twice.
import { formatIp, specialAddress } from '../ip.js';
import { error, warning, type Finding, type PathSeg } from '../problems.js';
import { closest } from '../suggest.js';
import type { Design, RouterNode } from '../types.js';
import { allHolders } from './util.js';

const PORT_MIN = 1;
const PORT_MAX = 65535;

export function checkNat(d: Design): Finding[] {
  const f: Finding[] = [];
  // A forward must lead to some device: an inside machine, or another router that forwards
  // again (double NAT: the ISP's box forwarding to the home router's outside address).
  const targets = new Map<number, string>();
  for (const h of allHolders(d)) for (const c of h.addresses) targets.set(c.ip, `${h.node} ${h.dev}`);
  for (const n of d.nodes) if (n.kind === 'router') checkRouter(n, targets, f);
  return f;
}

function checkRouter(n: RouterNode, targets: Map<number, string>, f: Finding[]): void {
  const names = n.interfaces.map((i) => i.name);
  const iface = (name: string, path: PathSeg[], role: string) => {
    if (names.includes(name)) return true;
    const hint = closest(name, names);
    f.push(error('E-NAT-IFACE', path, `${role} interface "${name}" is not an interface of router ${n.name}; ${hint ? `did you mean "${hint}"?` : `use one of: ${names.join(', ') || 'none'}.`}`));
    return false;
  };
  const { nat } = n;
  for (const m of nat.masquerade) iface(m.out, [...m.path, 'out'], 'masquerade "out"');
  for (const s of nat.snat) {
    if (!iface(s.out, [...s.path, 'out'], 'snat "out"')) continue;
    const out = n.interfaces.find((i) => i.name === s.out)!;
    const special = specialAddress(s.to);
    if (special) f.push(error('E-ADDR-RESERVED', [...s.path, 'to'], `snat translates to ${formatIp(s.to)}, which is ${special}, not an address a router can send from; use an address of ${n.name} ${s.out}.`));
    else if (!out.addresses.some((c) => c.ip === s.to)) {
      f.push(
        warning('W-SNAT-ADDRESS', [...s.path, 'to'], `snat translates to ${formatIp(s.to)}, which is not an address of ${n.name} ${s.out} (${out.addresses.map((c) => c.text).join(', ') || 'no address'}); replies to it will not come back unless the outside routes it to ${n.name}, so add it to ${s.out}.`),
      );
    }
  }
  const claimed = new Map<string, string>();
  const claim = (inIf: string, proto: string, port: number, path: PathSeg[], what: string) => {
    const key = `${inIf}/${proto}/${port}`;
    const first = claimed.get(key);
    if (first) {
      f.push(error('E-FORWARD-DUP', path, `${proto} port ${port} on ${n.name} ${inIf} is already taken by ${first}; one incoming port can go to one place only, remove one or change its port.`));
    } else claimed.set(key, `${what} ${Number(path.at(-1)) + 1}`);
  };
  const portOk = (p: number, path: PathSeg[]) => {
    if (Number.isInteger(p) && p >= PORT_MIN && p <= PORT_MAX) return;
    f.push(error('E-PORT-RANGE', path, `port ${p} is outside ${PORT_MIN}-${PORT_MAX}; use a TCP/UDP port number in that range.`));
  };
  for (const p of nat.portForwards) {
    iface(p.in, [...p.path, 'in'], 'port-forward "in"');
    portOk(p.port, [...p.path, 'port']);
    if (p.toPort !== p.port) portOk(p.toPort, [...p.path, 'to-port']);
    if (!targets.has(p.to)) {
      f.push(
        error('E-FORWARD-TARGET', [...p.path, 'to'], `port forward ${p.protocol}/${p.port} goes to ${formatIp(p.to)}, but no device in the design has that address; use the address of the inside machine that offers the service (or of the router that forwards it on).`),
      );
    }
    claim(p.in, p.protocol, p.port, p.path, 'port-forward');
  }
  for (const r of nat.redirects) {
    iface(r.in, [...r.path, 'in'], 'redirect "in"');
    portOk(r.port, [...r.path, 'port']);
    portOk(r.toPort, [...r.path, 'to-port']);
    claim(r.in, r.protocol, r.port, r.path, 'redirect');
  }
}
