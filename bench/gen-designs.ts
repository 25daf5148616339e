// Benchmark designs: the same topologies Mininet builds (linear,N and tree,depth,fanout),
// written as vnetmap design YAML so both tools deploy exactly the same hosts and switches.
//
// Numbering follows Mininet's LinearTopo/TreeTopo (h1.., s1..) so a reader can compare the
// two side by side. Every host gets one address in 10.0.0.0/16 (one broadcast domain, no
// gateway), the same reachability Mininet's 10.0.0.0/8 plain hosts have.
//
// YAML is emitted as text, one flow-style line per node/link: generating a 10,000-host
// design through a YAML serializer would dominate the "compile 10,000 hosts" benchmark setup.

export interface Topo {
  /** "linear" or "tree"; for reports. */
  shape: string;
  hosts: string[];
  switches: string[];
  /** Cables as [node:port, node:port]. */
  links: [string, string][];
}

/** Mininet LinearTopo(k=n, n=1): switch i has host i; switch i+1 uplinks to switch i. */
export function linearTopo(n: number): Topo {
  if (!Number.isInteger(n) || n < 1) throw new Error(`linear topology needs n >= 1, got ${n}`);
  const hosts: string[] = [];
  const switches: string[] = [];
  const links: [string, string][] = [];
  for (let i = 1; i <= n; i++) {
    hosts.push(`h${i}`);
    switches.push(`s${i}`);
    links.push([`h${i}:eth0`, `s${i}:p1`]);
    if (i > 1) links.push([`s${i}:p2`, `s${i - 1}:p3`]);
  }
  return { shape: `linear,${n}`, hosts, switches, links };
}

/** Mininet TreeTopo(depth, fanout): switches numbered depth-first from the root, hosts at the leaves. */
export function treeTopo(depth: number, fanout: number): Topo {
  if (depth < 1 || fanout < 1) throw new Error(`tree topology needs depth >= 1 and fanout >= 1, got ${depth},${fanout}`);
  const t: Topo = { shape: `tree,depth=${depth},fanout=${fanout}`, hosts: [], switches: [], links: [] };
  const add = (level: number): string => {
    if (level === 0) {
      const h = `h${t.hosts.length + 1}`;
      t.hosts.push(h);
      return h;
    }
    const s = `s${t.switches.length + 1}`;
    t.switches.push(s);
    for (let i = 1; i <= fanout; i++) {
      const child = add(level - 1);
      // Port p0 of a child switch is its uplink; hosts use eth0.
      t.links.push([`${s}:p${i}`, level === 1 ? `${child}:eth0` : `${child}:p0`]);
    }
    return s;
  };
  add(depth);
  return t;
}

/**
 * Tree shape with about n hosts, the one the deploy suite uses for each size: depth 2 below
 * 1,000 hosts with the nearest fanout (round(√n), so 100 -> 10x10 as issue 7 asks, 300 -> 17x17),
 * depth 3 from 1,000 on (round(∛n)).
 */
export function treeForHosts(n: number): { depth: number; fanout: number } {
  if (n >= 1000) return { depth: 3, fanout: Math.max(2, Math.round(Math.cbrt(n))) };
  return { depth: 2, fanout: Math.max(2, Math.round(Math.sqrt(n))) };
}

/**
 * The smallest tree of treeForHosts' depth with at least n hosts (fanout ⌈√n⌉ or ⌈∛n⌉): the
 * scale climb's shape, so that "5,000 hosts" is never 4,913.
 */
export function treeAtLeast(n: number): { depth: number; fanout: number } {
  const depth = n >= 1000 ? 3 : 2;
  let fanout = Math.max(2, Math.floor(Math.pow(n, 1 / depth)));
  while (fanout ** depth < n) fanout++;
  return { depth, fanout };
}

/** Address of the k-th host (1-based) in 10.0.0.0/16. */
export function hostAddress(k: number): string {
  if (k < 1 || k > 65534) throw new Error(`host number ${k} does not fit in one /16`);
  return `10.0.${k >> 8}.${k & 255}`;
}

export interface DesignOptions {
  /** Lab name (≤16 characters, lowercase). */
  name: string;
  strategy?: 'faithful' | 'compact' | 'macvtap' | 'ovs';
}

export function designYaml(t: Topo, o: DesignOptions): string {
  const out: string[] = [`name: ${o.name}`, `description: bench ${t.shape} (${t.hosts.length} hosts, ${t.switches.length} switches)`, 'nodes:'];
  t.hosts.forEach((h, i) => out.push(`  ${h}: { kind: host, interfaces: { eth0: { address: ${hostAddress(i + 1)}/16 } } }`));
  for (const s of t.switches) out.push(`  ${s}: { kind: switch }`);
  out.push('links:');
  for (const [a, b] of t.links) out.push(`  - { endpoints: [${a}, ${b}] }`);
  if (o.strategy) out.push('mapping:', `  strategy: ${o.strategy}`);
  return out.join('\n') + '\n';
}

/** Two hosts on one switch: the data-plane benchmark for the faithful, compact and ovs strategies. */
export function pairDesign(name: string, strategy: 'faithful' | 'compact' | 'ovs'): string {
  return designYaml({ shape: 'pair', hosts: ['h1', 'h2'], switches: ['s1'], links: [['h1:eth0', 's1:p1'], ['h2:eth0', 's1:p2']] }, { name, strategy });
}

/**
 * Two VMs on one server whose NIC goes to a switch with hairpin on that port: under the
 * macvtap strategy the VMs become macvlan children of the NIC. In bridge mode they talk
 * inside the server; in vepa mode every frame goes out to the switch and is reflected back.
 */
export function vmPairDesign(name: string, mode: 'bridge' | 'vepa'): string {
  return [
    `name: ${name}`,
    `description: bench two VMs on one server, macvtap ${mode}`,
    'nodes:',
    '  srv: { kind: server, interfaces: { eth0: {} } }',
    '  vm1: { kind: vm, server: srv, interfaces: { eth0: { address: 10.0.0.1/16 } } }',
    '  vm2: { kind: vm, server: srv, interfaces: { eth0: { address: 10.0.0.2/16 } } }',
    '  tor: { kind: switch, hairpin: [p1] }',
    'links:',
    '  - { endpoints: [srv:eth0, tor:p1] }',
    'mapping:',
    '  strategy: macvtap',
    `  macvlan-mode: ${mode}`,
    '',
  ].join('\n');
}

/** Short unique lab name: "b" + tag + base36 suffix, within the 16-character limit. */
export function labName(tag: string): string {
  const suffix = ((process.pid * 1000 + Math.floor(Math.random() * 1000)) % 36 ** 4).toString(36).padStart(4, '0');
  const name = `b${tag}-${suffix}`.toLowerCase();
  if (name.length > 16) throw new Error(`lab name ${name} is longer than 16 characters`);
  return name;
}
