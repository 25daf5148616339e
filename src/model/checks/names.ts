// Names people write must become Linux names: namespaces and interfaces.
import { IFNAME_MAX, LAB_NAME_MAX, LAB_NAME_RE, NODE_NAME_MAX, NODE_NAME_RE, PORT_NAME_RE } from '../limits.js';
import { error, type Finding, type PathSeg } from '../problems.js';
import { FABRIC_NODE, reservedIfname } from '../reserved.js';
import type { Design, NodeKind } from '../types.js';
import { isRouted } from '../types.js';

export function checkNames(d: Design): Finding[] {
  const f: Finding[] = [];
  if (!LAB_NAME_RE.test(d.name) || d.name.length > LAB_NAME_MAX) {
    f.push(
      error('E-LAB-NAME', ['name'], `lab name "${d.name}" must be 1-${LAB_NAME_MAX} characters of lowercase letters, digits and dashes, starting with a letter (it prefixes every Linux object).`),
    );
  }
  const lower = new Map<string, string>();
  for (const n of d.nodes) {
    if (!NODE_NAME_RE.test(n.name) || n.name.length > NODE_NAME_MAX) {
      f.push(
        error('E-NODE-NAME', n.path, `node name "${n.name}" must be 1-${NODE_NAME_MAX} characters: a letter, then letters, digits, "-" or "_" (it becomes part of Linux namespace names).`, true),
      );
    }
    if (n.name === FABRIC_NODE) {
      f.push(error('E-NODE-NAME', n.path, `node name "${n.name}" is taken: the compact strategy names its shared switching namespace after it; rename the node.`, true));
    }
    const other = lower.get(n.name.toLowerCase());
    if (other !== undefined) {
      f.push(error('E-DUP-NODE', n.path, `node "${n.name}" differs from node "${other}" only in letter case; Linux names would clash, rename one.`, true));
    } else lower.set(n.name.toLowerCase(), n.name);
    if (isRouted(n)) {
      for (const i of n.interfaces) checkPortName(i.name, n.kind, i.path, f);
    }
  }
  // Ports of switches exist only in links; interfaces were checked where they are declared.
  const kinds = new Map(d.nodes.map((n) => [n.name, n.kind]));
  const declared = new Set(d.nodes.flatMap((n) => (isRouted(n) ? n.interfaces.map((i) => `${n.name}:${i.name}`) : [])));
  for (const l of d.links) {
    for (const e of l.ends) {
      const kind = kinds.get(e.node);
      if (!declared.has(`${e.node}:${e.port}`)) checkPortName(e.port, kind, e.path, f);
    }
  }
  return f;
}

function checkPortName(name: string, kind: NodeKind | undefined, path: PathSeg[], f: Finding[]): void {
  const atKey = path[0] === 'nodes';
  if (!PORT_NAME_RE.test(name) || name.length > IFNAME_MAX) {
    f.push(error('E-IFNAME', path, `interface name "${name}" cannot be a Linux interface name: use 1-${IFNAME_MAX} characters of letters, digits, ".", "-" or "_".`, atKey));
    return;
  }
  const taken = kind && reservedIfname(name, kind);
  if (taken) f.push(error('E-IFNAME', path, `interface name "${name}" is taken: ${taken}; rename it (e.g. "p1", "uplink").`, atKey));
}
