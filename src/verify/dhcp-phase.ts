// DHCP clients of a live twin: their addresses are known only at run time. Before any probe,
// verify reads the address each client's interface really holds (one observer process for all
// namespaces), checks it is the client's reservation or an address of the pool the design
// says serves it (a "dhcp" check per client), and then puts it in place of the address the
// design assumed, in the design and in the plan alike, so every later probe (ping, ARP, TCP,
// DNS) and the expectation it is compared with use the lease. A client without a lease keeps
// the assumed address: the probes to it fail, as they would in the real network.
import { observeNamespaces } from '../exec/observer.js';
import type { Runner } from '../exec/runner.js';
import { parseCidr } from '../model/ip.js';
import { describeTerms, inPools } from '../model/pools.js';
import type { Design } from '../model/types.js';
import { isRouted } from '../model/types.js';
import type { EndpointLocation, Plan } from '../plan/types.js';
import { check, type Check } from './checks.js';

export interface Leased {
  plan: Plan;
  design: Design;
  checks: Check[];
}

export async function leasePhase(plan: Plan, design: Design, runner: Runner): Promise<Leased> {
  const clients = plan.endpoints.filter((e): e is EndpointLocation & { dhcp: NonNullable<EndpointLocation['dhcp']> } => !!e.dhcp);
  if (!clients.length) return { plan, design, checks: [] };
  const seen = await observeNamespaces(runner, clients.map((e) => ({ namespace: e.namespace })));
  const got = new Map<string, string>();
  const checks = clients.map((e, k) => {
    const s = seen[k];
    const who = `${e.node}/${e.ref.slice(e.ref.indexOf('/') + 1)}`;
    const terms = describeTerms(e.dhcp);
    if (!s) return check('dhcp', who, terms, true, false, { error: `namespace ${e.namespace} cannot be read` });
    const cidr = s.addresses.find((a) => a.dev === e.dev && parseCidr(a.cidr))?.cidr;
    if (!cidr) return check('dhcp', who, terms, true, false, { detail: `${e.dev} holds no IPv4 address: no lease` });
    got.set(e.ref, cidr);
    const ip = cidr.split('/')[0]!;
    const fits = inPools(e.dhcp, ip) && cidr.endsWith(`/${e.dhcp.subnet.split('/')[1]}`);
    return check('dhcp', who, terms, true, fits, { detail: `leased ${cidr}` });
  });
  if (!got.size) return { plan, design, checks };
  const endpoints = plan.endpoints.map((e) => (got.has(e.ref) ? { ...e, addresses: [got.get(e.ref)!] } : e));
  const nodes = design.nodes.map((n) => {
    if (!isRouted(n) || !n.interfaces.some((i) => got.has(`iface:${n.name}/${i.name}`))) return n;
    const interfaces = n.interfaces.map((i) => {
      const c = parseCidr(got.get(`iface:${n.name}/${i.name}`) ?? '');
      return c ? { ...i, addresses: [c] } : i;
    });
    return { ...n, interfaces };
  });
  return { plan: { ...plan, endpoints }, design: { ...design, nodes }, checks };
}
