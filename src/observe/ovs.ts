// Open vSwitch as `status` compares it with the plan: one `ovs-vsctl --format=json` run lists
// every bridge, port and interface (ovsQueryArgv), parseOvs reads the three tables it prints.

export interface SeenOvsPort {
  name: string;
  bridge?: string;
  tag?: number;
  trunks: number[];
  vlanMode?: string;
  externalIds: Record<string, string>;
}

export interface SeenOvsBridge {
  name: string;
  datapath: string;
  stp: boolean;
  externalIds: Record<string, string>;
  ports: string[];
}

export interface SeenOvs {
  bridges: Map<string, SeenOvsBridge>;
  ports: Map<string, SeenOvsPort>;
}

export const ovsQueryArgv = (): string[] => [
  'ovs-vsctl', '--timeout=5', '--format=json',
  '--', '--columns=_uuid,name,tag,trunks,vlan_mode,external_ids', 'list', 'port',
  '--', '--columns=name,ports,external_ids,datapath_type,stp_enable', 'list', 'bridge',
];

type Atom = unknown;
/** OVSDB JSON: ["set", [...]] / ["map", [[k, v], ...]] / ["uuid", u] / a plain atom. */
const setOf = (v: Atom): Atom[] => (Array.isArray(v) && v[0] === 'set' ? (v[1] as Atom[]) : v === undefined ? [] : [v]);
const mapOf = (v: Atom): Record<string, string> => (Array.isArray(v) && v[0] === 'map' ? Object.fromEntries((v[1] as [string, string][]).map(([k, x]) => [k, String(x)])) : {});
const uuidOf = (v: Atom): string => (Array.isArray(v) && v[0] === 'uuid' ? String(v[1]) : String(v));

interface Table {
  headings: string[];
  data: Atom[][];
}

function rows(t: Table): Record<string, Atom>[] {
  return t.data.map((r) => Object.fromEntries(t.headings.map((h, i) => [h, r[i]])));
}

/** Reads the output of ovsQueryArgv(): one JSON table per line (ports, then bridges). */
export function parseOvs(stdout: string): SeenOvs {
  const tables = stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Table);
  const [portT, bridgeT] = tables;
  const byUuid = new Map<string, SeenOvsPort>();
  const ports = new Map<string, SeenOvsPort>();
  for (const r of portT ? rows(portT) : []) {
    const tag = setOf(r.tag)[0];
    const mode = setOf(r.vlan_mode)[0];
    const p: SeenOvsPort = { name: String(r.name), trunks: setOf(r.trunks).map(Number).sort((a, b) => a - b), externalIds: mapOf(r.external_ids) };
    if (tag !== undefined) p.tag = Number(tag);
    if (mode !== undefined) p.vlanMode = String(mode);
    byUuid.set(uuidOf(r._uuid), p);
    ports.set(p.name, p);
  }
  const bridges = new Map<string, SeenOvsBridge>();
  for (const r of bridgeT ? rows(bridgeT) : []) {
    const names = setOf(r.ports).map((u) => byUuid.get(uuidOf(u))?.name).filter((n): n is string => !!n && n !== String(r.name));
    const b: SeenOvsBridge = { name: String(r.name), datapath: String(r.datapath_type || 'system'), stp: r.stp_enable === true, externalIds: mapOf(r.external_ids), ports: names.sort() };
    bridges.set(b.name, b);
    for (const n of names) ports.get(n)!.bridge = b.name;
  }
  return { bridges, ports };
}
