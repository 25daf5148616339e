// Data -> resolved Design and every finding, in one pass. The schema is applied piece by piece
// (the top level, then each node and each link on its own), so a mistake in one node leaves
// every other node to the semantic checks instead of hiding them until it is fixed. A node or
// link with a shape error is reported and left out of the resolved design; the node's name
// still counts as defined, so links to it do not also say "no such node". Findings that
// conclude from an absence are held back while anything is left out (codes.ts, needsWhole).
import { z } from 'zod';
import { CODES } from './checks/codes.js';
import { runChecks, type CheckContext } from './checks/index.js';
import { error, type Finding, type PathSeg } from './problems.js';
import { resolve, type ReadDesign } from './resolve.js';
import { assignLeases } from './leases.js';
import { DesignSchema, Link, Node, type RawLink, type RawNode } from './schema.js';
import { issuesToFindings } from './schema-issues.js';
import type { Design } from './types.js';

export interface Analysis {
  /** The resolved design: only the parts that could be read when findings say something was left out. */
  design?: Design;
  findings: Finding[];
}

/**
 * The top level alone: nodes and links are read one by one below. Their own shape (a mapping,
 * a list) is checked apart, only when wrong: a record schema here would copy 20,000 nodes.
 */
const TopLevel = DesignSchema.extend({ nodes: z.unknown().optional(), links: z.unknown().optional() });
const NodesShape = z.object({ nodes: z.record(z.string(), z.unknown()), links: z.array(z.unknown()).optional() });

const isMapping = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function analyse(data: Record<string, unknown>, file: string): Analysis {
  const findings: Finding[] = [];
  /** Paths whose content is not in the resolved design. */
  const omitted: PathSeg[][] = [];
  const shape = (issues: z.core.$ZodIssue[], schema: z.core.$ZodType, value: unknown, base: PathSeg[]) => {
    findings.push(...issuesToFindings(issues, schema, value, base));
    omitted.push(base);
  };

  const top = TopLevel.safeParse(data);
  const shapeOf = isMapping(data.nodes) && (data.links === undefined || Array.isArray(data.links)) ? undefined : NodesShape.safeParse({ nodes: data.nodes, ...(data.links === undefined ? {} : { links: data.links }) });
  const issues = [...(top.success ? [] : top.error.issues), ...(shapeOf?.success === false ? shapeOf.error.issues : [])];
  if (issues.length) {
    const f = issuesToFindings(issues, TopLevel, data);
    findings.push(...f);
    // An unknown key ("link") may hold what the author meant for a known one.
    for (const x of f) if (x.path.length) omitted.push(x.path.slice(0, 1));
  }
  // Each top-level value on its own, so that a bad "mapping" does not lose the "name".
  const field = <K extends 'name' | 'description' | 'mapping'>(k: K): RawFields[K] | undefined => {
    if (top.success) return top.data[k] as RawFields[K];
    const r = DesignSchema.shape[k].safeParse(data[k]);
    if (!r.success) omitted.push([k]);
    return r.success ? (r.data as RawFields[K]) : undefined;
  };

  const nodes: Record<string, RawNode> = Object.create(null);
  const nodesData = data.nodes;
  if (isMapping(nodesData)) {
    // Object.entries, not zod's record: zod drops a key "__proto__" (it sets the prototype).
    for (const [name, raw] of Object.entries(nodesData)) {
      const r = Node.safeParse(raw);
      const lost = lostNames(raw, ['nodes', name]);
      findings.push(...lost);
      if (!r.success) shape(r.error.issues, Node, raw, ['nodes', name]);
      if (!r.success || lost.length) omitted.push(['nodes', name]);
      else nodes[name] = r.data;
    }
  } else omitted.push(['nodes']);

  const rawLinks = Array.isArray(data.links) ? (data.links as unknown[]) : [];
  if (data.links !== undefined && !Array.isArray(data.links)) omitted.push(['links']);
  const links = rawLinks.map((raw, i): RawLink | undefined => {
    const r = Link.safeParse(raw);
    if (r.success) return r.data;
    shape(r.error.issues, Link, raw, ['links', i]);
    return undefined;
  });

  const mapping = field('mapping');
  const lostServers = isMapping(data.mapping) ? lostNames(data.mapping, ['mapping'], ['servers']) : [];
  findings.push(...lostServers);
  const read: ReadDesign = { name: field('name') ?? '', nodes, links, ...(mapping && !lostServers.length ? { mapping } : {}) };
  const description = field('description');
  if (description !== undefined) read.description = description;
  if (lostServers.length) omitted.push(['mapping']);

  const { design, findings: resolved } = resolve(read, file);
  for (const f of resolved) omitted.push(f.path);
  const ctx: CheckContext = {
    // Without a readable "nodes" mapping, no link can be said to name an undefined node.
    defined: isMapping(nodesData) ? (name) => Object.hasOwn(nodesData, name) : () => true,
    cabled: cabledPorts(rawLinks),
  };
  const held = heldBack(omitted);
  const checked = runChecks(design, read, ctx).filter((f) => !held(f));
  // DHCP clients get the lease the offline stages assume, once the design is known to be whole.
  if (!checked.some((f) => f.severity === 'error') && !findings.some((f) => f.severity === 'error') && !resolved.length) assignLeases(design);
  return { design, findings: oneAPlace([...findings, ...resolved, ...checked]) };
}

/**
 * A warning where an error already stands is its echo (a gateway that is the broadcast address
 * is also "not in its domain"): the error alone says what to fix there.
 */
function oneAPlace(findings: Finding[]): Finding[] {
  const errors = new Set(findings.filter((f) => f.severity === 'error').map((f) => pathKey(f.path)));
  return errors.size ? findings.filter((f) => f.severity === 'error' || !errors.has(pathKey(f.path))) : findings;
}

type RawFields = z.infer<typeof DesignSchema>;

const NEEDS_WHOLE = new Map(CODES.flatMap((c) => (c.needsWhole ? [[c.code, c.needsWhole] as const] : [])));

const segKey = (s: PathSeg): string => (typeof s === 'number' ? `#${s}` : `.${s}`);
const pathKey = (p: PathSeg[]): string => p.map(segKey).join('');

/**
 * Findings about a part that was not read (the lab name, when "name" is not text), and those
 * that conclude from an absence while something they depend on was left out. Sets of paths
 * and node names, so that holding back N findings among N omissions stays linear.
 */
function heldBack(omitted: PathSeg[][]): (f: Finding) => boolean {
  if (!omitted.length) return () => false;
  const paths = new Set(omitted.map(pathKey));
  const nodes = new Set(omitted.flatMap((o) => (o[0] === 'nodes' && o.length > 1 ? [o[1]] : [])));
  return (f) => {
    let key = '';
    for (const seg of f.path) if (paths.has((key += segKey(seg)))) return true;
    const needs = NEEDS_WHOLE.get(f.code);
    return needs === 'design' || (needs === 'node' && f.path[0] === 'nodes' && nodes.has(f.path[1]!));
  };
}

/** Name maps a node (or the mapping) holds, and what a key in each must be. */
const NAME_MAPS: Record<string, [code: string, what: string]> = {
  interfaces: ['E-IFNAME', 'an interface name'],
  vlans: ['E-VLAN-RANGE', 'a VLAN id'],
  hosts: ['E-HOSTNAME', 'a host name'],
  servers: ['E-MAPPING-SERVER', 'a server name'],
};

/**
 * A name "__proto__" in one of these maps: zod's record would set the prototype of its result
 * instead of keeping the entry, which would vanish without a word. No such name is valid.
 */
function lostNames(raw: unknown, base: PathSeg[], keys = ['interfaces', 'vlans', 'hosts']): Finding[] {
  if (!isMapping(raw)) return [];
  return keys.flatMap((k) => {
    const m = raw[k];
    if (!isMapping(m) || !Object.hasOwn(m, '__proto__')) return [];
    const [code, what] = NAME_MAPS[k]!;
    return [error(code, [...base, k, '__proto__'], `"__proto__" cannot be ${what} (nor any name of JavaScript's object machinery); rename it.`, true)];
  });
}

/** Node -> ports, from every link of the file that names them in a readable way. */
function cabledPorts(rawLinks: unknown[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (node: unknown, port: unknown) => {
    if (typeof node !== 'string' || node === '') return;
    let s = out.get(node);
    if (!s) out.set(node, (s = new Set()));
    if (typeof port === 'string') s.add(port);
  };
  for (const l of rawLinks) {
    const ends = isMapping(l) ? l.endpoints : undefined;
    if (!Array.isArray(ends)) continue;
    for (const e of ends) {
      if (typeof e === 'string') {
        const k = e.indexOf(':');
        if (k > 0) add(e.slice(0, k), e.slice(k + 1));
      } else if (isMapping(e)) add(e.node, e.interface);
    }
  }
  return out;
}
