// Everything a running lab consists of on this host, read in as few processes as the tools
// allow: the lab's namespaces and the root namespace through the observer (one process,
// src/exec/observer.ts), Open vSwitch through one ovs-vsctl (plus ovs-ofctl per bridge with
// reflective-relay flows), the hosts files from disk (once per distinct file: most are hard
// links of one). src/apply/drift.ts compares the result with the plan.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { daemonDir } from '../paths.js';
import { daemonRunning } from './daemons.js';
import { observeNamespaces } from '../exec/observer.js';
import type { Runner } from '../exec/runner.js';
import type { NamespaceQuery, SeenNamespace } from '../observe/namespace.js';
import { IPVS_SAVE_ARGV } from '../observe/ipvs.js';
import { ovsQueryArgv, parseOvs, type SeenOvs } from '../observe/ovs.js';
import type { Plan } from '../plan/types.js';
import { frrDaemonOf, frrVtyDaemon } from '../plan/frr.js';
import { askDaemon } from '../exec/vty.js';
import { namesFiles } from '../render/hosts.js';
import { namesPath } from '../render/steps.js';
import { findOwned, ovsAvailable, type Owned } from './discover.js';
import type { LabState } from './state.js';

export interface LabObservation {
  owned: Owned;
  /** Each namespace of the lab (planned, or carrying its marker); undefined: not ours or gone. */
  namespaces: Map<string, SeenNamespace | undefined>;
  root?: SeenNamespace;
  /** undefined when the plan has no Open vSwitch objects or OVS does not answer. */
  ovs?: SeenOvs;
  ovsUp: boolean;
  /** `ovs-ofctl dump-flows` of each bridge with reflective-relay ports. */
  flows: Map<string, string | undefined>;
  /** Text of /etc/netns/NS/hosts (and resolv.conf) by path, undefined where there is none. */
  hosts: Map<string, string | undefined>;
  /** Each planned daemon: whether the process `up` started still runs in its namespace, and its files as they read now. */
  /** frr: the running configuration of an FRR daemon, as it answers `show running-config` on its vty socket (absent: not FRR, not running, or no answer). */
  daemons: Map<string, { running: boolean; files: Record<string, string | undefined>; frr?: string }>;
}

/** The nft table listing command whose output `up` records and `status` compares (LabState.nft). */
export const nftListArgv = (o: { family?: string; table: string }): string[] => ['nft', 'list', 'table', o.family ?? 'ip', o.table];
/** Key of a table's listing in LabState.nft: namespace, family, table. */
export const nftKey = (ns: string, o: { family?: string; table: string }): string => `${ns} ${o.family ?? 'ip'} ${o.table}`;
export const BRIDGE_VLANS_ARGV = ['bridge', '-j', 'vlan', 'show'];
export const FORWARD_KEY = 'net.ipv4.ip_forward';

/**
 * What to read in each namespace of the plan (and in the root namespace, under null). Commands
 * come in a fixed order, which drift.ts relies on: each planned nft table's listing, then the
 * bridge VLAN table where the plan has VLAN-filtering ports, then the IPVS table (`ipvsadm -Sn`)
 * where the plan has IPVS services. The observer runs them inside the namespace (one program
 * each, started by the one observer process of the lab: bench/results/ipvs-observe.md).
 */
export function queries(plan: Plan): Map<string | null, NamespaceQuery> {
  const q = new Map<string | null, NamespaceQuery>();
  const vlans = new Set<string>();
  const ipvs = new Set<string>();
  const get = (ns: string | null): NamespaceQuery => {
    let x = q.get(ns);
    if (!x) q.set(ns, (x = { namespace: ns, sysctls: ns === null ? [] : [FORWARD_KEY], txcsum: [], commands: [] }));
    return x;
  };
  for (const o of plan.objects) {
    if (o.kind === 'netns') get(o.name);
    else if (o.kind === 'sysctl' && o.namespace !== null && o.key !== FORWARD_KEY) get(o.namespace).sysctls!.push(o.key);
    else if (o.kind === 'veth') {
      for (const e of [o.a, o.b]) if (e.txOff) get(e.namespace).txcsum!.push(e.name);
    } else if (o.kind === 'nft' && o.namespace !== null) get(o.namespace).commands!.push(nftListArgv(o));
    else if (o.kind === 'bridge-port' && o.vlans?.length && o.namespace !== null) vlans.add(o.namespace);
    else if (o.kind === 'ipvs') ipvs.add(o.namespace);
  }
  for (const ns of vlans) get(ns).commands!.push(BRIDGE_VLANS_ARGV);
  for (const ns of ipvs) get(ns).commands!.push(IPVS_SAVE_ARGV);
  get(null);
  return q;
}

/** The listing of every planned nft table, by namespace, as it reads now (LabState.nft). */
export async function nftListings(runner: Runner, plan: Plan): Promise<Record<string, string>> {
  const nfts = plan.objects.filter((o): o is Extract<Plan['objects'][number], { kind: 'nft' }> => o.kind === 'nft' && o.namespace !== null);
  const seen = await observeNamespaces(runner, nfts.map((o) => ({ namespace: o.namespace, commands: [nftListArgv(o)] })));
  const out: Record<string, string> = {};
  nfts.forEach((o, i) => {
    const r = seen[i]?.commands[0];
    if (r?.code === 0) out[nftKey(o.namespace!, o)] = r.stdout;
  });
  return out;
}

export async function observeLab(runner: Runner, st: LabState): Promise<LabObservation> {
  const plan = st.plan;
  const q = queries(plan);
  const owned = await findOwned(runner, plan.lab, [...q.keys()].filter((n): n is string => n !== null), st);
  // Marked namespaces the plan does not have are read too (status reports them as extra).
  for (const ns of owned.namespaces) if (!q.has(ns)) q.set(ns, { namespace: ns });
  const ownedSet = new Set(owned.namespaces);
  const asked = [...q.values()].filter((x) => x.namespace === null || ownedSet.has(x.namespace));
  const seen = await observeNamespaces(runner, asked);
  const namespaces = new Map<string, SeenNamespace | undefined>();
  let root: SeenNamespace | undefined;
  asked.forEach((x, i) => (x.namespace === null ? (root = seen[i]) : namespaces.set(x.namespace, seen[i])));
  for (const ns of q.keys()) if (ns !== null && !namespaces.has(ns)) namespaces.set(ns, undefined);
  const wantOvs = plan.objects.some((o) => o.kind === 'ovs-bridge' || o.kind === 'ovs-port');
  const ovsUp = wantOvs && (await ovsAvailable(runner));
  const ovs = ovsUp ? parseOvs((await runner.run(ovsQueryArgv())).stdout) : undefined;
  const flows = new Map<string, string | undefined>();
  for (const o of plan.objects) {
    if (o.kind !== 'ovs-port' || !o.hairpin || flows.has(o.bridge)) continue;
    const r = ovsUp ? await runner.run(['ovs-ofctl', 'dump-flows', o.bridge], { allowFail: true }) : undefined;
    flows.set(o.bridge, r?.code === 0 ? r.stdout : undefined);
  }
  const daemons = readDaemons(st);
  await readFrrConfigs(runner, st, daemons);
  return { owned, namespaces, ...(root ? { root } : {}), ...(ovs ? { ovs } : {}), ovsUp, flows, hosts: readHostsFiles(plan), daemons };
}

/**
 * The running configuration of each running FRR daemon (zebra, ospfd, bgpd), asked on its vty
 * socket (in the node's zebra directory, ~5 ms each): a change made with vtysh never reaches
 * the file up wrote, so drift.ts compares this with the plan's configuration.
 */
async function readFrrConfigs(runner: Runner, st: LabState, daemons: LabObservation['daemons']): Promise<void> {
  await Promise.all(
    st.plan.objects.map(async (d) => {
      if (d.kind !== 'daemon' || !daemons.get(d.name)?.running) return;
      const frr = frrDaemonOf(d);
      if (!frr) return;
      const dir = daemonDir(st.lab, frrVtyDaemon(frr.node));
      try {
        daemons.get(d.name)!.frr = await askDaemon(runner, dir, frr.daemon, 'show running-config');
      } catch {
        // No answer (starting, or dying): its process is judged by itself; nothing to compare.
      }
    }),
  );
}

function readDaemons(st: LabState): LabObservation['daemons'] {
  const out: LabObservation['daemons'] = new Map();
  for (const d of st.plan.objects) {
    if (d.kind !== 'daemon') continue;
    const files: Record<string, string | undefined> = {};
    for (const f of d.files) {
      try {
        files[f.name] = readFileSync(join(daemonDir(st.lab, d.name), f.name), 'utf8');
      } catch {
        files[f.name] = undefined;
      }
    }
    out.set(d.name, { running: daemonRunning(st.daemons?.[d.name], d.namespace), files });
  }
  return out;
}

/** Every names file the plan has (hosts, resolv.conf), by path, each distinct file read once. */
function readHostsFiles(plan: Plan): Map<string, string | undefined> {
  const byInode = new Map<string, string>();
  const out = new Map<string, string | undefined>();
  for (const o of namesFiles(plan)) {
    const file = namesPath(o.namespace, o.file);
    try {
      const s = statSync(file);
      const key = `${s.dev}:${s.ino}:${s.mtimeMs}:${s.size}`;
      let text = byInode.get(key);
      if (text === undefined) byInode.set(key, (text = readFileSync(file, 'utf8')));
      out.set(file, text);
    } catch {
      out.set(file, undefined);
    }
  }
  return out;
}
