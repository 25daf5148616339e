// `status`: what a lab's state says it built, what the host shows, and the drift between them
// (drift.ts: every object kind of the plan). The host is read by observe-lab.ts in a handful of
// processes whatever the lab's size.
import { daemonLog } from '../render/daemons.js';
import type { Runner } from '../exec/runner.js';
import type { ObservedLink } from '../observe/ip-json.js';
import type { SeenNamespace } from '../observe/namespace.js';
import { findOwned } from './discover.js';
import { labDrift, type Drift } from './drift.js';
import { leaseStatus, type LeaseStatus } from './leases.js';
import { observeLab } from './observe-lab.js';
import { readState } from './state.js';
import { withoutCuts } from './cut-drift.js';
import type { Cut } from '../semantics/cuts.js';
import type { ImpairmentState } from './link.js';

export type { Drift } from './drift.js';

export interface NsStatus {
  name: string;
  node?: string;
  role?: string;
  exists: boolean;
  interfaces: ObservedLink[];
}

export interface LabStatus {
  lab: string;
  running: boolean;
  designFile?: string;
  strategy?: string;
  appliedAt?: string;
  namespaces: NsStatus[];
  ovsBridges: string[];
  drift: Drift[];
  /** Link ends set down on purpose (vnetmap link), and impaired ones. */
  cuts?: Cut[];
  impairments?: ImpairmentState[];
  /** The twin's daemons (proxies, workloads, ...): whether each is still the process up started, and its log. */
  daemons?: { name: string; namespace: string | null; realizes: string[]; argv: string[]; running: boolean; pid?: number; log: string }[];
  /** DHCP clients and the leases they hold (apply/leases.ts). */
  leases?: LeaseStatus[];
}

/** A namespace's devices in the shape `status` has always shown (ip -j addr show's). */
function interfacesOf(seen: SeenNamespace): ObservedLink[] {
  return seen.links.map((l) => ({
    name: l.name,
    state: l.up ? 'UP' : 'DOWN',
    up: l.up,
    ...(l.alias ? { alias: l.alias } : {}),
    ...(l.master ? { master: l.master } : {}),
    ...(l.mac ? { mac: l.mac } : {}),
    ...(l.kind ? { kind: l.kind } : {}),
    addresses: seen.addresses.filter((a) => a.dev === l.name).map((a) => a.cidr),
  }));
}

export async function labStatus(lab: string, runner: Runner): Promise<LabStatus> {
  const st = readState(lab);
  if (!st) {
    // No state (crashed before its first success, or removed): only what carries the marker.
    const owned = await findOwned(runner, lab);
    return { lab, running: false, namespaces: owned.namespaces.map((name) => ({ name, exists: true, interfaces: [] })), ovsBridges: owned.ovsBridges, drift: [] };
  }
  const obs = await observeLab(runner, st);
  const roles = new Map(st.plan.objects.flatMap((o) => (o.kind === 'netns' ? [[o.name, o] as const] : [])));
  const namespaces: NsStatus[] = [...obs.namespaces.keys()].sort().map((name) => {
    const p = roles.get(name);
    const seen = obs.namespaces.get(name);
    return { name, ...(p?.node ? { node: p.node } : {}), ...(p ? { role: p.role } : {}), exists: !!seen, interfaces: seen ? interfacesOf(seen) : [] };
  });
  const daemons = st.plan.objects.flatMap((o) => {
    if (o.kind !== 'daemon') return [];
    const id = st.daemons?.[o.name];
    // observeLab has looked already (observe-lab.ts, readDaemons).
    const running = obs.daemons.get(o.name)?.running ?? false;
    return [{ name: o.name, namespace: o.namespace, realizes: o.realizes, argv: o.argv, running, ...(running && id ? { pid: id.pid } : {}), log: daemonLog(lab, o.name) }];
  });
  const leases = leaseStatus(st.plan);
  return { lab, running: true, designFile: st.designFile, strategy: st.strategy, appliedAt: st.appliedAt, namespaces, ovsBridges: obs.owned.ovsBridges, drift: withoutCuts(st.plan, labDrift(st.plan, obs, st.nft), st.cuts), ...(st.cuts?.length ? { cuts: st.cuts } : {}), ...(st.impairments?.length ? { impairments: st.impairments } : {}), ...(daemons.length ? { daemons } : {}), ...(leases.length ? { leases } : {}) };
}
