// Finding what a lab owns on this host, by marker or by the identity recorded when it was
// created (never by guessing from names): the lo alias of namespaces, the alias of
// root-namespace links, external_ids of OVS bridges.
import type { Runner } from '../exec/runner.js';
import { labMarker, netnsName } from '../plan/names.js';
import { parseLinks, parseNetnsList, type ObservedLink } from '../observe/ip-json.js';
import { OVS_LAB_KEY } from '../render/ovs.js';
import { ipIn } from '../render/steps.js';
import { mapPool } from '../exec/pool.js';
import { nsIdentity } from './identity.js';
import { readJournal } from './journal.js';
import { readState, type LabState } from './state.js';

export async function listNamespaces(runner: Runner): Promise<string[]> {
  return parseNetnsList((await runner.run(['ip', '-j', 'netns', 'list'])).stdout);
}

/** lo's alias in a namespace: the marker, '' when unset, undefined when the namespace is gone. */
export async function loAlias(runner: Runner, ns: string): Promise<string | undefined> {
  const r = await runner.run(ipIn(ns, '-j', 'link', 'show', 'dev', 'lo'), { allowFail: true });
  if (r.code !== 0) return undefined;
  return parseLinks(r.stdout)[0]?.alias ?? '';
}

/** lo aliases of many namespaces: a process per namespace (nsenter: cheap), a few at a time. */
export async function loAliases(runner: Runner, names: string[]): Promise<(string | undefined)[]> {
  return mapPool(names, 8, (n) => loAlias(runner, n));
}

export async function rootLinks(runner: Runner): Promise<ObservedLink[]> {
  return parseLinks((await runner.run(['ip', '-j', 'link', 'show'])).stdout);
}

export const isOurRootLink = (lab: string, l: ObservedLink): boolean => !!l.alias?.startsWith(`${labMarker(lab)}:`);

/** OVS usable? A host without Open vSwitch simply has no OVS objects of ours. */
export async function ovsAvailable(runner: Runner): Promise<boolean> {
  return (await runner.run(['ovs-vsctl', '--timeout=3', 'show'], { allowFail: true })).code === 0;
}

export async function ownedOvsBridges(runner: Runner, lab: string): Promise<string[]> {
  if (!(await ovsAvailable(runner))) return [];
  const r = await runner.run(['ovs-vsctl', '--timeout=5', '--bare', '--columns=name', 'find', 'bridge', `external_ids:${OVS_LAB_KEY}=${lab}`]);
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean).sort();
}

export interface Owned {
  namespaces: string[];
  rootLinks: string[];
  ovsBridges: string[];
  /** Every named namespace on the host when it looked (ours or not). */
  listed: string[];
}

/**
 * Namespaces are checked if they follow the lab's naming or were named by the plan/journal
 * (extra); only those this lab provably created (identity.ts) or whose lo alias is exactly the
 * lab's marker count as owned. `state` is the lab's saved state, when the caller has read it already.
 */
export async function findOwned(runner: Runner, lab: string, extra: string[] = [], state: LabState | undefined = readState(lab)): Promise<Owned> {
  const all = await listNamespaces(runner);
  const prefix = netnsName(lab, '');
  const named = new Set(extra);
  const candidates = all.filter((n) => n.startsWith(prefix) || named.has(n));
  // The very namespaces this lab created (identity recorded at creation) need no marker check.
  const ids = { ...state?.identities, ...readJournal(lab)?.identities };
  const proven = candidates.filter((n) => ids[n] !== undefined && nsIdentity(n) === ids[n]);
  const provenSet = new Set(proven);
  const rest = candidates.filter((n) => !provenSet.has(n));
  const marker = labMarker(lab);
  const aliases = await loAliases(runner, rest);
  const namespaces = [...proven, ...rest.filter((_, i) => aliases[i] === marker)].sort();
  const links = (await rootLinks(runner)).filter((l) => isOurRootLink(lab, l)).map((l) => l.name).sort();
  return { namespaces, rootLinks: links, ovsBridges: await ownedOvsBridges(runner, lab), listed: all };
}

export const ownsNothing = (o: Owned): boolean => !o.namespaces.length && !o.rootLinks.length && !o.ovsBridges.length;
