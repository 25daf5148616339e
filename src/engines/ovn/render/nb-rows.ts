// The logical part of an OVN plan as Northbound rows: table, a name for references within the
// transaction, and column values in OVSDB's JSON notation (RFC 7047: atoms, ["set", …],
// ["map", …], ["named-uuid", …]). One list, two renderings: a JSON-RPC transaction (what `up`
// sends, nb-json.ts) and ovn-nbctl arguments (the bash script, nbctl.ts), so the two cannot
// disagree. Every row carries external_ids:vnetmap-lab (what `down` removes) and the design
// elements it realises (vnetmap-realizes), so `ovn-nbctl list` shows provenance.
//
// Only logical switches, routers, load balancers, DHCP options and DNS records are root rows;
// ports, routes, NAT, ACLs and gateway-chassis rows live as long as a root row refers to them,
// so removing the lab's root rows (by marker) removes everything.
import { LAB_KEY } from '../plan/names.js';
import type { LogicalObject, OvnPlan, Ref } from '../plan/types.js';

export type Atom = string | number | boolean | ['named-uuid', string];
export type Value = Atom | ['set', Atom[]] | ['map', [Atom, Atom][]];

export interface NbRow {
  table: string;
  /** Name of the row within the transaction (named-uuid / nbctl --id=@…). */
  id: string;
  row: Record<string, Value>;
}

export const REALIZES_KEY = 'vnetmap-realizes';
export const ROOT_TABLES = ['Logical_Switch', 'Logical_Router', 'Load_Balancer', 'DHCP_Options', 'DNS'] as const;
/** Logical objects that are root rows (what `up` counts to see whether the lab's rows are all there). */
export const ROOT_KINDS: ReadonlySet<LogicalObject['kind']> = new Set(['ls', 'lr', 'lb', 'dhcp', 'dns']);
/**
 * What `up` and `status` count of a lab's rows: its root rows, and its ACLs (a firewall's rules:
 * kept by their switch, but one can be removed alone, and the twin then lets through what the
 * design drops).
 */
export const COUNTED_TABLES = [...ROOT_TABLES, 'ACL'] as const;
export const countedRows = (plan: OvnPlan): number => plan.logical.filter((o) => ROOT_KINDS.has(o.kind) || o.kind === 'acl').length;

const set = (xs: Atom[]): Value => ['set', xs];
const map = (kv: Record<string, string>): Value => ['map', Object.entries(kv)];
const ref = (id: string): Atom => ['named-uuid', id];

export function nbRows(plan: OvnPlan): NbRow[] {
  const rows: NbRow[] = [];
  let n = 0;
  const ids = new Map<string, string>(); // "kind name" -> row id
  const ext = (realizes: Ref[]): Value => map({ [LAB_KEY]: plan.lab, [REALIZES_KEY]: realizes.join(' ') });
  const add = (table: string, key: string | undefined, row: Record<string, Value>): string => {
    const id = `row${++n}`;
    if (key) ids.set(key, id);
    rows.push({ table, id, row });
    return id;
  };
  const children = (kind: string, parent: (o: LogicalObject) => string | undefined, of: string) => {
    const out: Atom[] = [];
    for (const o of plan.logical) if (o.kind === kind && parent(o) === of) out.push(ref(idOf(o)));
    return set(out);
  };
  const dnsRecordsOf = (ls: string): Record<string, Value> => {
    const ids = plan.logical.flatMap((o) => (o.kind === 'dns' && o.switches.includes(ls) ? [ref(idOf(o))] : []));
    return ids.length ? { dns_records: set(ids) } : {};
  };
  const keyOf = (o: LogicalObject): string => `${o.kind} ${'name' in o ? o.name : plan.logical.indexOf(o)}`;
  const idOf = (o: LogicalObject): string => ids.get(keyOf(o))!;
  // Children first, so that nbctl's `--id=@row` names exist before a parent uses them:
  // DHCP options and DNS records (dhcp-dns.ts) before the ports and switches naming them.
  for (const o of plan.logical) {
    if (o.kind === 'dhcp') add('DHCP_Options', keyOf(o), { cidr: o.cidr, options: map(o.options), external_ids: ext(o.realizes) });
    if (o.kind === 'dns') add('DNS', keyOf(o), { records: map(o.records), external_ids: ext(o.realizes) });
  }
  const dhcps = new Map(plan.logical.flatMap((o) => (o.kind === 'dhcp' ? [[o.name, o] as const] : [])));
  for (const o of plan.logical) {
    switch (o.kind) {
      case 'lsp':
        add('Logical_Switch_Port', keyOf(o), {
          name: o.name,
          addresses: set(o.addresses),
          ...(o.routerPort ? { type: 'router', options: map({ 'router-port': o.routerPort }) } : {}),
          ...(o.dhcp && dhcps.has(o.dhcp) ? { dhcpv4_options: set([ref(idOf(dhcps.get(o.dhcp)!))]) } : {}),
          external_ids: ext(o.realizes),
        });
        break;
      case 'acl':
        add('ACL', keyOf(o), { direction: o.direction, priority: o.priority, match: o.match, action: o.action, external_ids: ext(o.realizes) });
        break;
      case 'lrp': {
        const gws = o.gatewayChassis ? [ref(add('Gateway_Chassis', undefined, { name: `${o.name}-${o.gatewayChassis}`, chassis_name: o.gatewayChassis, priority: 1, external_ids: ext(o.realizes) }))] : [];
        add('Logical_Router_Port', keyOf(o), { name: o.name, mac: o.mac, networks: set(o.networks), gateway_chassis: set(gws), external_ids: ext(o.realizes) });
        break;
      }
      case 'lr-route':
        add('Logical_Router_Static_Route', keyOf(o), { ip_prefix: o.prefix, nexthop: o.nexthop, external_ids: ext(o.realizes) });
        break;
      case 'lb':
        add('Load_Balancer', keyOf(o), { name: o.name, protocol: o.protocol, vips: map(o.vips), ...(o.selectionFields ? { selection_fields: set(o.selectionFields) } : {}), external_ids: ext(o.realizes) });
        break;
      default:
        break;
    }
  }
  const lrps = new Map(plan.logical.flatMap((o) => (o.kind === 'lrp' ? [[o.name, o] as const] : [])));
  for (const o of plan.logical)
    if (o.kind === 'nat') {
      const gw = lrps.get(o.port);
      add('NAT', keyOf(o), { type: o.type, external_ip: o.externalIp, logical_ip: o.logicalIp, ...(gw ? { gateway_port: set([ref(idOf(gw))]) } : {}), external_ids: ext(o.realizes) });
    }
  for (const o of plan.logical) {
    if (o.kind === 'ls')
      add('Logical_Switch', keyOf(o), {
        name: o.name,
        ports: children('lsp', (x) => (x.kind === 'lsp' ? x.ls : undefined), o.name),
        acls: children('acl', (x) => (x.kind === 'acl' ? x.ls : undefined), o.name),
        ...dnsRecordsOf(o.name),
        external_ids: ext(o.realizes),
      });
    if (o.kind === 'lr')
      add('Logical_Router', keyOf(o), {
        name: o.name,
        ports: children('lrp', (x) => (x.kind === 'lrp' ? x.lr : undefined), o.name),
        static_routes: children('lr-route', (x) => (x.kind === 'lr-route' ? x.lr : undefined), o.name),
        nat: children('nat', (x) => (x.kind === 'nat' ? x.lr : undefined), o.name),
        load_balancer: children('lb', (x) => (x.kind === 'lb' ? x.lr : undefined), o.name),
        external_ids: ext(o.realizes),
      });
  }
  return rows;
}
