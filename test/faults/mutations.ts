// The bad-design corpus: every way of breaking the examples that a careful user (or a hostile
// file) can come up with, generated deterministically so that a failing case has a stable id.
// Each case must be refused: `vnetmap validate` exits 2 and says where (corpus.test.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

export interface BadDesign {
  /** Stable name: category/example/detail. */
  id: string;
  text: string;
}

type Data = Record<string, unknown>;
type Path = (string | number)[];

const EXAMPLES = readdirSync('examples')
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ name: f.replace(/\.yaml$/, ''), text: readFileSync(`examples/${f}`, 'utf8') }));

const isObj = (v: unknown): v is Data => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every leaf (scalar) of the data with its path. */
function leaves(v: unknown, at: Path = []): { path: Path; value: unknown }[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, [...at, i]));
  if (isObj(v)) return Object.entries(v).flatMap(([k, x]) => leaves(x, [...at, k]));
  return [{ path: at, value: v }];
}

function edit(data: Data, path: Path, f: (parent: Data | unknown[], key: string | number) => void): Data {
  const copy = structuredClone(data);
  let cur: unknown = copy;
  for (const seg of path.slice(0, -1)) cur = (cur as Data)[seg as string];
  f(cur as Data, path.at(-1)!);
  return copy;
}
const set = (data: Data, path: Path, value: unknown) => edit(data, path, (p, k) => ((p as Data)[k as string] = value));

/** A value of another type than v: every leaf of the design language has one type. */
// A string becomes a mapping (a list of strings is a valid command: argv).
const wrongType = (v: unknown): unknown => (typeof v === 'string' ? { a: ['list'] } : typeof v === 'number' ? 'not a number' : typeof v === 'boolean' ? 'maybe' : { a: 1 });

function byExample(make: (ex: { name: string; text: string; data: Data }) => BadDesign[]): BadDesign[] {
  return EXAMPLES.flatMap((ex) => make({ ...ex, data: parse(ex.text) as Data }));
}

const wrongTypes = byExample(({ name, data }) =>
  leaves(data).map((l) => ({ id: `wrong-type/${name}/${l.path.join('.')}`, text: stringify(set(data, l.path, wrongType(l.value))) })),
);

/** References to things that do not exist. */
const dangling = byExample(({ name, data }) => {
  const out: BadDesign[] = [];
  const links = (data.links ?? []) as Data[];
  links.forEach((l, i) => {
    const ends = l.endpoints as string[];
    out.push({ id: `dangling/${name}/link-${i + 1}-node`, text: stringify(set(data, ['links', i, 'endpoints', 0], `ghost:${ends[0]!.split(':')[1]}`)) });
    out.push({ id: `dangling/${name}/link-${i + 1}-format`, text: stringify(set(data, ['links', i, 'endpoints', 1], ends[1]!.replace(':', '-'))) });
  });
  for (const [n, node] of Object.entries(data.nodes as Record<string, Data>)) {
    if (node.kind === 'vm') out.push({ id: `dangling/${name}/${n}-server`, text: stringify(set(data, ['nodes', n, 'server'], 'no-such-server')) });
    if (isObj(node.nat) && Array.isArray(node.nat.masquerade)) out.push({ id: `dangling/${name}/${n}-nat-out`, text: stringify(set(data, ['nodes', n, 'nat', 'masquerade', 0, 'out'], 'wan9')) });
    if (node.gateway !== undefined) out.push({ id: `dangling/${name}/${n}-gateway`, text: stringify(set(data, ['nodes', n, 'gateway'], '10.255.255.254')) });
  }
  out.push({ id: `dangling/${name}/mapping-server`, text: stringify({ ...data, mapping: { servers: { 'no-such-server': { 'macvlan-mode': 'vepa' } } } }) });
  return out;
});

/** Two of something there may be one of. */
const duplicates = byExample(({ name, data, text }) => {
  const nodes = Object.keys(data.nodes as Data);
  const links = (data.links ?? []) as Data[];
  const out: BadDesign[] = [{ id: `duplicate/${name}/node-key`, text: text.replace(/\nnodes:\n/, `\nnodes:\n  ${nodes[0]}: { kind: switch }\n`) }];
  if (links.length) out.push({ id: `duplicate/${name}/port`, text: stringify({ ...data, links: [...links, { endpoints: [(links[0]!.endpoints as string[])[0], `${nodes.at(-1)}:zz9`] }] }) });
  // `address: dhcp` is not an address: any number of clients may say it.
  const addressed = leaves(data).filter((l) => l.path.includes('address') && typeof l.value === 'string' && l.value !== 'dhcp');
  if (addressed.length > 1) out.push({ id: `duplicate/${name}/address`, text: stringify(set(data, addressed[1]!.path, addressed[0]!.value)) });
  out.push({ id: `duplicate/${name}/case`, text: stringify({ ...data, nodes: { ...(data.nodes as Data), [nodes[0]!.toUpperCase()]: { kind: 'switch' } } }) });
  return out;
});

/** Numbers outside what the kernel and the standards allow. */
const outOfRange = byExample(({ name, data }) => {
  const out: BadDesign[] = [];
  const BAD: Record<string, number[]> = { vlan: [0, 4095, -1, 99999], native: [0, 5000], mtu: [0, 67, 65536], port: [0, 65536], 'to-port': [-5], 'sriov-vfs': [-1] };
  for (const l of leaves(data)) {
    const key = l.path.filter((s): s is string => typeof s === 'string').at(-1) ?? '';
    const isTrunk = l.path.at(-2) === 'trunk';
    for (const v of (isTrunk ? [4095] : BAD[key]) ?? []) out.push({ id: `range/${name}/${l.path.join('.')}=${v}`, text: stringify(set(data, l.path, v)) });
  }
  out.push({ id: `range/${name}/link-mtu`, text: stringify(set(data, ['links', 0, 'mtu'], 70000)) });
  return out;
});

/** Texts that are not YAML, or not a design at all. */
const brokenYaml = byExample(({ name, text }) => {
  const out: BadDesign[] = [];
  // Cut right after each of the first few "{" outside comments: the mapping is never closed.
  const opens = [...text.matchAll(/^[^#\n]*?\{/gm)].map((m) => m.index + m[0].length).slice(0, 4);
  for (const i of opens) out.push({ id: `yaml/${name}/cut-${i}`, text: text.slice(0, i) });
  out.push({ id: `yaml/${name}/tab`, text: text.replace(/\nnodes:\n {2}/, '\nnodes:\n\t') });
  out.push({ id: `yaml/${name}/colon`, text: text.replace(/\nlinks:\n/, '\nlinks\n') });
  out.push({ id: `yaml/${name}/quote`, text: text.replace(/\nname: /, '\nname: "') });
  out.push({ id: `yaml/${name}/bracket`, text: text.replace('endpoints: [', 'endpoints: [[') });
  out.push({ id: `yaml/${name}/two-docs`, text: `${text}\n---\nname: other\n` });
  out.push({ id: `yaml/${name}/tag`, text: text.replace(/\nnodes:\n/, '\nnodes: !custom\n') });
  out.push({ id: `yaml/${name}/crlf-tab`, text: text.replace(/\n/g, '\r\n').replace('\r\nnodes:\r\n  ', '\r\nnodes:\r\n\t') });
  out.push({ id: `yaml/${name}/nul`, text: text.replace('\nnodes:', '\n\u0000nodes:') });
  return out;
});

const base = parse(EXAMPLES.find((e) => e.name === 'figure-1')!.text) as Data;
const fig = (over: Data) => stringify({ ...base, ...over });
const withNode = (n: string, node: unknown) => fig({ nodes: { ...(base.nodes as Data), [n]: node } });
const host = (iface: string, extra: Data = {}) => ({ kind: 'host', interfaces: { [iface]: { address: '192.168.9.9/24' } }, ...extra });

const hostile: BadDesign[] = [
  ...['\u001b[31mred', 'a\nb', 'tab\there', '\u009b2J', 'rtl\u202ename', 'zero\u200bwidth', 'NUL\u0000', 'pc 1', "pc'1", 'pc"1', '$(reboot)', '`id`', 'ÿ', '漢字', 'a'.repeat(70)].flatMap((s, i) => [
    { id: `hostile/node-name-${i}`, text: withNode(s, host('eth0')) },
    { id: `hostile/iface-${i}`, text: withNode('pcx', host(s)) },
    { id: `hostile/hosts-key-${i}`, text: withNode('pcx', host('eth0', { hosts: { [s]: '10.0.0.1' } })) },
    { id: `hostile/hosts-value-${i}`, text: withNode('pcx', host('eth0', { hosts: { web: s } })) },
  ]),
  ...['\u001b]0;title\u0007', 'a\u0008b', 'bell\u0007', 'c1\u0085x', 'rlo\u202e'].map((s, i) => ({ id: `hostile/label-${i}`, text: fig({ description: s }) })),
  { id: 'hostile/lab-name', text: fig({ name: 'Lab\u001b[2J' }) },
  { id: 'hostile/endpoint', text: fig({ links: [{ endpoints: ['pc1:eth0\n', 'sw1:\u001bp9'] }] }) },
  { id: 'hostile/unknown-key', text: fig({ 'x\u001b[31m': 1 }) },
  { id: 'hostile/kind', text: withNode('pcx', { kind: 'host\u001b[31m', interfaces: {} }) },
];

/** Names with a meaning in JavaScript objects. */
// JSON.parse, not object literals: a literal's "__proto__" sets the prototype instead of a key.
const own = (json: string): Data => JSON.parse(json) as Data;
const prototypeKeys: BadDesign[] = [
  { id: 'proto/node', text: withNode('__proto__', host('eth0')) },
  { id: 'proto/interface', text: withNode('pcx', host('__proto__')) },
  { id: 'proto/hosts', text: withNode('pcx', host('eth0', { hosts: own('{"__proto__": "10.0.0.1"}') })) },
  { id: 'proto/svi', text: withNode('core', { kind: 'l3-switch', vlans: own('{"__proto__": {"address": "10.0.0.1/24"}}') }) },
  { id: 'proto/mapping', text: fig({ mapping: { servers: own('{"__proto__": {"macvlan-mode": "vepa"}}') } }) },
  { id: 'proto/top', text: `${fig({})}__proto__: { name: x }\n` },
  { id: 'proto/link-to-constructor', text: fig({ links: [{ endpoints: ['pc1:eth0', 'constructor:eth0'] }] }) },
  { id: 'proto/vm-on-toString', text: withNode('vm1', { kind: 'vm', server: 'toString', interfaces: { eth0: { address: '192.168.9.9/24' } } }) },
  { id: 'proto/mapping-hasOwnProperty', text: fig({ mapping: { servers: { hasOwnProperty: {} } } }) },
  { id: 'proto/nat-valueOf', text: withNode('gw', { kind: 'router', interfaces: { lan: { address: '192.168.1.1/24' } }, nat: { masquerade: [{ out: 'valueOf' }] } }) },
];

const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
const aliasChain = (n: number) => `name: x\nnodes: {}\na0: &a0 [1]\n${[...Array(n).keys()].map((i) => `a${i + 1}: &a${i + 1} [*a${i}]`).join('\n')}\n`;

/** Structure: nesting, aliases, shapes that are no design, sizes. */
const structure: BadDesign[] = [
  { id: 'deep/flow-70', text: fig({}).replace(/\ndescription: .*\n/, `\ndescription: ${deep(70)}\n`) },
  { id: 'deep/flow-5000', text: `name: x\nnodes: {}\ndescription: ${deep(5000)}\n` },
  { id: 'deep/flow-100000', text: `name: x\nnodes: {}\ndescription: ${deep(100_000)}\n` },
  { id: 'deep/block-100', text: `name: x\nnodes: {}\ndescription:\n${[...Array(100).keys()].map((i) => `${' '.repeat(i + 1)}- `).join('\n')}x\n` },
  { id: 'deep/in-node', text: withNode('pcx', { kind: 'host', interfaces: { eth0: { address: JSON.parse(deep(80)) as unknown } } }) },
  { id: 'deep/alias-chain', text: aliasChain(200) },
  { id: 'alias/cycle', text: 'name: x\nnodes: &n { a: *n }\n' },
  { id: 'alias/no-anchor', text: 'name: x\nnodes: *nothing\n' },
  { id: 'alias/bomb', text: `name: x\nnodes: {}\na: &a [x, x, x, x, x, x, x, x, x]\n${[...'bcdefgh'].map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`).join('\n')}\n` },
  { id: 'alias/merge-key', text: 'name: x\nbase: &b { kind: host }\nnodes:\n  pc1: { <<: *b, interfaces: {} }\n' },
  { id: 'shape/empty', text: '' },
  { id: 'shape/comments', text: '# nothing here\n' },
  { id: 'shape/list', text: '- name: x\n' },
  { id: 'shape/scalar', text: 'just text\n' },
  { id: 'shape/null', text: '~\n' },
  { id: 'shape/binary', text: Buffer.from([...Array(256).keys()].map((i) => (i * 37) % 256)).toString('latin1') },
  { id: 'shape/nodes-list', text: 'name: x\nnodes: [a, b]\n' },
  { id: 'shape/no-nodes', text: 'name: x\nlinks: []\n' },
  { id: 'shape/no-name', text: fig({ name: undefined }) },
  { id: 'shape/links-map', text: fig({ links: { a: 1 } }) },
  { id: 'shape/link-ends', text: fig({ links: [{ endpoints: ['pc1:eth0'] }, { endpoints: ['pc1:eth0', 'pc2:eth0', 'sw1:p9'] }] }) },
  { id: 'shape/bom-garbage', text: '\ufeff{{{' },
  { id: 'shape/long-line', text: `name: ${'x'.repeat(200_000)}\nnodes: {}\n` },
];

/** Big files full of problems: they must come back fast and complete. */
function huge(nodes: number): BadDesign {
  const lines = ['name: huge', 'nodes:'];
  for (let i = 0; i < nodes; i++) lines.push(`  h${i}: { kind: host, interfaces: { eth0: { address: 10.0.${i % 256}.300/24 } } }`);
  lines.push('links:');
  for (let i = 0; i < nodes; i++) lines.push(`  - endpoints: [h${i}:eth0, sw${i % 7}:p${i}]`);
  return { id: `huge/${nodes}`, text: lines.join('\n') + '\n' };
}

export function badDesigns(full: boolean): BadDesign[] {
  return [...wrongTypes, ...dangling, ...duplicates, ...outOfRange, ...brokenYaml, ...hostile, ...prototypeKeys, ...structure, huge(2_000), ...(full ? [huge(20_000)] : [])];
}
