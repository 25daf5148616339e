// A machine's part of an inventory plan: what `vnetmap chassis join` on that machine needs to
// realise the workloads placed there — their namespaces, veths, addresses and routes (a kernel
// Plan of its own, whose br-int ends are in the machine's root namespace), the ports to bind
// on br-int, and where the Southbound is. Pure.
//
// How it gets there: `up` writes every machine's part into the lab's Northbound, in the same
// transaction as the logical rows, as NB_Global external_ids "vnetmap-part:<machine>" —
// JSON, gzip, base64. The lab's Northbound is its own (its central part is the lab's), every
// machine already needs the central's address, and OVSDB is a server the machines reach over
// TCP anyway: no second server, port or file copy. A part is bounded (MAX_PART_BYTES):
// OVSDB takes big strings, but each machine reads NB_Global whole.
import { gunzipSync, gzipSync } from 'node:zlib';
import { UserError } from '../../../errors.js';
import type { Plan, PlanObject } from '../../../plan/types.js';
import { LAB_KEY } from '../plan/names.js';
import type { Binding, OvnPlan } from '../plan/types.js';

export interface ChassisPart {
  /** Format of this object; a joining vnetmap refuses one it does not know. */
  version: 1;
  lab: string;
  name: string;
  encapIp: string;
  encap: 'geneve';
  underlayMtu: number;
  /** The Southbound's TCP port on the central's address (the Northbound's is how the part was read). */
  sbPort: number;
  /** Design nodes placed on this machine. */
  nodes: string[];
  /** Kernel objects of this machine's workloads (br-int ends in the root namespace: namespace null). */
  local: Plan;
  bindings: Binding[];
}

export const PART_KEY = 'vnetmap-part:';
/** Encoded size a part may have (a 1,000-host lab over 4 machines: see docs/ovn-inventory.md). */
export const MAX_PART_BYTES = 4 * 1024 * 1024;

/** The namespaces an object touches (null: the root namespace). */
function namespacesOf(o: PlanObject): (string | null)[] {
  switch (o.kind) {
    case 'netns':
      return [o.name];
    case 'veth':
      return [o.a.namespace, o.b.namespace];
    case 'macvlan':
      return [o.namespace, o.parent.namespace];
    case 'ovs-bridge':
    case 'ovs-port':
      return [null];
    default:
      return [o.namespace];
  }
}

export function chassisPart(plan: OvnPlan, name: string): ChassisPart {
  if (!plan.inventory) throw new Error('chassisPart: the plan has no inventory');
  const nodes = Object.entries(plan.placement.assign).filter(([, c]) => c === name).map(([n]) => n).sort();
  const mine = new Set(nodes);
  const spaces = new Set(plan.local.objects.flatMap((o) => (o.kind === 'netns' && o.node !== undefined && mine.has(o.node) ? [o.name] : [])));
  const objects = plan.local.objects.filter((o) => namespacesOf(o).some((ns) => ns !== null && spaces.has(ns)));
  const c = plan.chassis.find((x) => x.name === name)!;
  return {
    version: 1,
    lab: plan.lab,
    name,
    encapIp: c.encapIp,
    encap: plan.encap,
    underlayMtu: plan.underlayMtu,
    sbPort: plan.inventory.central.sbPort,
    nodes,
    local: { ...plan.local, objects, endpoints: plan.local.endpoints.filter((e) => spaces.has(e.namespace)) },
    bindings: plan.bindings.filter((b) => b.chassis === name),
  };
}

export function encodePart(p: ChassisPart): string {
  const s = gzipSync(JSON.stringify(p)).toString('base64');
  if (s.length > MAX_PART_BYTES)
    throw new UserError(`machine ${p.name}'s part of the plan is ${(s.length / 1048576).toFixed(1)} MiB encoded, more than the ${MAX_PART_BYTES / 1048576} MiB vnetmap stores in the Northbound; spread the design over more machines (add them to the inventory).`);
  return s;
}

export function decodePart(s: string): ChassisPart {
  const p = JSON.parse(gunzipSync(Buffer.from(s, 'base64')).toString('utf8')) as ChassisPart;
  if (p.version !== 1) throw new UserError(`the central holds a part of version ${String(p.version)}, which this vnetmap does not read; use the same vnetmap version on every machine.`);
  return p;
}

/** NB_Global's external_ids: the lab, and each machine's part (written with the rows, in one transaction). */
export function partOps(plan: OvnPlan): Record<string, unknown>[] {
  const ids: [string, string][] = [[LAB_KEY, plan.lab], ...plan.chassis.map((c) => [`${PART_KEY}${c.name}`, encodePart(chassisPart(plan, c.name))] as [string, string])];
  return [{ op: 'update', table: 'NB_Global', where: [], row: { external_ids: ['map', ids] } }];
}
