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

/**
 * A campus network, for the placement benchmark (a graph that is not a tree). Per building:
 * two distribution switches linked to each other and to the core, access switches each
 * dual-homed to both (so spanning tree is on everywhere), and hosts, each access switch
 * serving two departments (a floor), one VLAN per department and building. The core is an L3
 * switch routing every VLAN (an SVI each) with a routed port to the NAT edge router, which
 * masquerades to the internet and forwards port 80 to a web VM. Servers hang off top-of-rack
 * switches trunked to the core, their VMs in three server VLANs (web, app, db).
 */
export interface CampusShape {
  buildings: number;
  accessPerBuilding: number;
  hostsPerAccess: number;
  departments: number;
  racks: number;
  serversPerRack: number;
  vmsPerServer: number;
}

/** About n nodes: ~8 % in the data centre, the rest in buildings of 8 (16 from 3,000 on) access switches. */
export function campusShape(n: number): CampusShape {
  const big = n >= 3000;
  const vmsPerServer = 8;
  const servers = Math.max(2, Math.round((0.08 * n) / (vmsPerServer + 1)));
  const racks = Math.max(1, Math.ceil(servers / 24));
  const accessPerBuilding = big ? 16 : 8;
  const hostsPerAccess = big ? 40 : 36;
  const perBuilding = 2 + accessPerBuilding * (hostsPerAccess + 1);
  const buildings = Math.max(2, Math.round((n - servers * (vmsPerServer + 1) - 3 - racks) / perBuilding));
  return { buildings, accessPerBuilding, hostsPerAccess, departments: 4, racks, serversPerRack: Math.ceil(servers / racks), vmsPerServer };
}

export const campusNodes = (s: CampusShape): number =>
  3 + s.buildings * (2 + s.accessPerBuilding * (s.hostsPerAccess + 1)) + s.racks * (1 + s.serversPerRack * (s.vmsPerServer + 1));

export function campusYaml(s: CampusShape, name: string): string {
  if (s.departments > 60 || s.hostsPerAccess > 48) throw new Error('campus too big for its port and VLAN plan (60 departments, 48 hosts per access switch)');
  const out: string[] = [`name: ${name}`, `description: bench campus (${campusNodes(s)} nodes, ${s.buildings} buildings)`, 'nodes:'];
  const links: string[] = [];
  const link = (a: string, b: string, extra = '') => links.push(`  - { endpoints: [${a}, ${b}]${extra} }`);
  const vlan = (b: number, d: number) => 100 + b * 60 + d; // checked below to stay ≤ 4094
  const subnet = (b: number, d: number) => `10.${b}.${d * 4}`; // 10.b.4d.0/22: up to 1,021 hosts per department
  const serverVlans = [2001, 2002, 2003];
  const trunk = (vs: number[]) => `, trunk: [${vs.join(', ')}]`;

  out.push('  internet: { kind: external, interfaces: { eth0: { address: 203.0.113.1/24 } } }');
  out.push(
    '  edge: { kind: router, interfaces: { wan: { address: 203.0.113.2/24 }, lan: { address: 10.255.255.1/30 } }, ' +
      'routes: [{ to: 10.0.0.0/8, via: 10.255.255.2 }], gateway: 203.0.113.1, ' +
      `nat: { masquerade: [{ out: wan, from: 10.0.0.0/8 }], port-forwards: [{ in: wan, protocol: tcp, port: 80, to: 10.200.0.10, to-port: 80 }] } }`,
  );
  link('internet:eth0', 'edge:wan');
  const svis: string[] = [];
  for (let b = 1; b <= s.buildings; b++) for (let d = 0; d < s.departments; d++) svis.push(`${vlan(b, d)}: { address: ${subnet(b, d)}.1/22 }`);
  serverVlans.forEach((v, j) => svis.push(`${v}: { address: 10.${200 + j}.0.1/16 }`));
  out.push(`  core: { kind: l3-switch, stp: true, interfaces: { up: { address: 10.255.255.2/30 } }, gateway: 10.255.255.1, vlans: { ${svis.join(', ')} } }`);
  link('edge:lan', 'core:up');
  let corePort = 0;

  for (let b = 1; b <= s.buildings; b++) {
    if (vlan(b, s.departments - 1) > 4094) throw new Error(`campus building ${b} would need VLAN ids above 4094`);
    const vs = Array.from({ length: s.departments }, (_, d) => vlan(b, d));
    const [d1, d2] = [`b${b}-d1`, `b${b}-d2`];
    for (const dist of [d1, d2]) {
      out.push(`  ${dist}: { kind: switch, vlan-aware: true, stp: true }`);
      link(`${dist}:up`, `core:p${++corePort}`, trunk(vs));
    }
    link(`${d1}:peer`, `${d2}:peer`, trunk(vs));
    const used = new Array<number>(s.departments).fill(0);
    for (let a = 1; a <= s.accessPerBuilding; a++) {
      const acc = `b${b}-a${a}`;
      out.push(`  ${acc}: { kind: switch, vlan-aware: true, stp: true }`);
      link(`${acc}:u1`, `${d1}:p${a}`, trunk(vs));
      link(`${acc}:u2`, `${d2}:p${a}`, trunk(vs));
      for (let h = 1; h <= s.hostsPerAccess; h++) {
        // A floor: the first half of the ports in one department, the second half in the next.
        const d = (a + (h > s.hostsPerAccess / 2 ? 1 : 0)) % s.departments;
        // Host k of a department, in 10.b.4d.0/22 (.1 is the SVI, hosts from .10).
        const k = 10 + used[d]!++;
        if (k > 1022) throw new Error(`campus department ${d} of building ${b} has more hosts than its /22 holds`);
        const host = `${acc}-h${h}`;
        out.push(`  ${host}: { kind: host, interfaces: { eth0: { address: 10.${b}.${d * 4 + (k >> 8)}.${k & 255}/22 } }, gateway: ${subnet(b, d)}.1 }`);
        link(`${host}:eth0`, `${acc}:p${h}`, `, vlan: ${vs[d]}`);
      }
    }
  }

  let vm = 0;
  for (let r = 1; r <= s.racks; r++) {
    const tor = `dc-r${r}`;
    out.push(`  ${tor}: { kind: switch, vlan-aware: true, stp: true }`);
    link(`${tor}:up`, `core:p${++corePort}`, trunk(serverVlans));
    for (let i = 1; i <= s.serversPerRack; i++) {
      const srv = `r${r}-srv${i}`;
      out.push(`  ${srv}: { kind: server, interfaces: { eth0: {} } }`);
      link(`${srv}:eth0`, `${tor}:p${i}`, trunk(serverVlans));
      for (let j = 1; j <= s.vmsPerServer; j++) {
        const t = vm % 3;
        const addr = 10 + Math.floor(vm++ / 3);
        const ip = `10.${200 + t}.${addr >> 8}.${addr & 255}`;
        out.push(`  ${srv}-vm${j}: { kind: vm, server: ${srv}, interfaces: { eth0: { address: ${ip}/16, vlan: ${serverVlans[t]} } }, gateway: 10.${200 + t}.0.1 }`);
      }
    }
  }
  return [...out, 'links:', ...links].join('\n') + '\n';
}

/**
 * The same hosts in `domains` subnets (a switch each, /16s 10.D.0.0) behind one router: where
 * the flat tree is one logical switch of 1,000 ports, this is ten of 100.
 */
export function routedYaml(name: string, hosts: number, domains: number): string {
  const per = Math.ceil(hosts / domains);
  const out = [`name: ${name}`, `description: bench ${hosts} hosts in ${domains} subnets behind one router`, 'nodes:'];
  const links: string[] = [];
  const lans: string[] = [];
  for (let d = 1; d <= domains; d++) {
    out.push(`  s${d}: { kind: switch }`);
    lans.push(`      lan${d}: { address: 10.${d}.0.1/16 }`);
    links.push(`  - { endpoints: [s${d}:up, r:lan${d}] }`);
    for (let i = 1; i <= per; i++) {
      out.push(`  h${d}x${i}: { kind: host, interfaces: { eth0: { address: 10.${d}.${i >> 8}.${(i & 255) + 1}/16 } }, gateway: 10.${d}.0.1 }`);
      links.push(`  - { endpoints: [h${d}x${i}:eth0, s${d}:p${i}] }`);
    }
  }
  return [...out, '  r:', '    kind: router', '    interfaces:', ...lans, 'links:', ...links, ''].join('\n');
}
