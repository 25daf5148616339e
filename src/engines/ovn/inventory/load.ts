// Reading an inventory: YAML with positions (model/yaml-read.ts, the design's reader), the
// schema, then the checks a shape cannot make — every problem at once, each at file:line:col
// with one sentence of what to do, as a design's are. Pins are checked against the design.
import { readFileSync } from 'node:fs';
import { locateFindings } from '../../../model/load.js';
import { parseIp } from '../../../model/ip.js';
import { error, sortProblems, type Finding, type Problem } from '../../../model/problems.js';
import { issuesToFindings } from '../../../model/schema-issues.js';
import { readYaml } from '../../../model/yaml-read.js';
import type { Design } from '../../../model/types.js';
import { MAX_CHASSIS } from '../plan/compile.js';
import { DEFAULT_NB_PORT, DEFAULT_SB_PORT, DEFAULT_UNDERLAY_MTU, InventorySchema, type Inventory, type RawInventory } from './schema.js';

/** A machine's chassis name, as hostnames are written (the design's pins accept the same). */
const MACHINE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface InventoryLoad {
  inventory?: Inventory;
  errors: Problem[];
}

export function loadInventoryFile(file: string, design?: Design): InventoryLoad {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const message = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such inventory file; check the path.' : `cannot read it: ${(e as Error).message}.`;
    return { errors: [{ severity: 'error', code: 'E-READ', message, file, line: 1, column: 1, path: [] }] };
  }
  return loadInventory(text, file, design);
}

export function loadInventory(text: string, file: string, design?: Design): InventoryLoad {
  const { locator, data, problems } = readYaml(text, file);
  if (problems.length) return { errors: problems };
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    return { errors: [{ severity: 'error', code: 'E-NOT-DESIGN', message: 'an inventory is a mapping with "central" and "machines"; see docs/ovn-inventory.md.', ...locator.at([]), path: [] }] };
  const parsed = InventorySchema.safeParse(data);
  // The design's sentences say "in the design" of the top level; here it is the inventory.
  const findings: Finding[] = parsed.success ? checkInventory(parsed.data, design) : issuesToFindings(parsed.error.issues, InventorySchema, data).map((f) => ({ ...f, message: f.message.replace(/\bthe design\b/, 'the inventory') }));
  const errors = sortProblems(locateFindings(findings, locator)).filter((p) => p.severity === 'error');
  if (errors.length || !parsed.success) return { errors };
  const raw = parsed.data;
  return {
    errors: [],
    inventory: {
      file,
      central: { address: raw.central.address, nbPort: raw.central['nb-port'] ?? DEFAULT_NB_PORT, sbPort: raw.central['sb-port'] ?? DEFAULT_SB_PORT },
      underlayMtu: raw['underlay-mtu'] ?? DEFAULT_UNDERLAY_MTU,
      machines: raw.machines.map((m) => ({ name: m.name, address: m.address, ...(m.capacity !== undefined ? { capacity: m.capacity } : {}), pins: m.pins ?? [] })),
    },
  };
}

export function checkInventory(inv: RawInventory, design?: Design): Finding[] {
  const f: Finding[] = [];
  const c = inv.central;
  if (parseIp(c.address) === undefined) f.push(error('E-INVENTORY-CENTRAL', ['central', 'address'], `"${c.address}" is no IPv4 address; write an address of the machine that runs "vnetmap up", e.g. 192.0.2.1.`));
  for (const k of ['nb-port', 'sb-port'] as const) {
    const p = c[k];
    if (p !== undefined && (p < 1 || p > 65535)) f.push(error('E-INVENTORY-CENTRAL', ['central', k], `${k} ${p} is out of range; use a TCP port from 1 to 65535.`));
  }
  if ((c['nb-port'] ?? DEFAULT_NB_PORT) === (c['sb-port'] ?? DEFAULT_SB_PORT)) f.push(error('E-INVENTORY-CENTRAL', ['central', c['sb-port'] !== undefined ? 'sb-port' : 'nb-port'], 'the Northbound and Southbound need two different ports; change one.'));
  const mtu = inv['underlay-mtu'];
  if (mtu !== undefined && (mtu < 1280 || mtu > 9216)) f.push(error('E-INVENTORY-CENTRAL', ['underlay-mtu'], `underlay-mtu ${mtu} is out of range; use 1280 to 9216 (1500 for an ordinary Ethernet network).`));
  if (!inv.machines.length) f.push(error('E-INVENTORY-MACHINE', ['machines'], 'the inventory names no machine; list at least one, each with a name and an address.'));
  if (inv.machines.length > MAX_CHASSIS) f.push(error('E-INVENTORY-MACHINE', ['machines'], `${inv.machines.length} machines are more than the ${MAX_CHASSIS} this version runs; list at most ${MAX_CHASSIS}.`));
  const names = new Map<string, number>();
  const addrs = new Map<string, number>();
  const pinned = new Map<string, string>();
  const nodes = new Map(design?.nodes.map((n) => [n.name, n]) ?? []);
  inv.machines.forEach((m, i) => {
    if (!MACHINE_NAME.test(m.name)) f.push(error('E-INVENTORY-MACHINE', ['machines', i, 'name'], `"${m.name}" is no chassis name; use letters, digits, ".", "-", "_" (at most 64), as a host name is written.`));
    else if (names.has(m.name)) f.push(error('E-INVENTORY-MACHINE', ['machines', i, 'name'], `machine ${m.name} is listed twice (also machine ${names.get(m.name)! + 1}); give each machine its own name.`));
    else names.set(m.name, i);
    if (parseIp(m.address) === undefined) f.push(error('E-INVENTORY-MACHINE', ['machines', i, 'address'], `"${m.address}" is no IPv4 address; write the machine's tunnel address, e.g. 192.0.2.11.`));
    else if (addrs.has(m.address)) f.push(error('E-INVENTORY-MACHINE', ['machines', i, 'address'], `${m.address} is also machine ${addrs.get(m.address)! + 1}'s address; every machine needs its own tunnel address.`));
    else addrs.set(m.address, i);
    if (m.capacity !== undefined && !(m.capacity >= 0 && Number.isFinite(m.capacity))) f.push(error('E-INVENTORY-MACHINE', ['machines', i, 'capacity'], `capacity ${m.capacity} is below 0; give a relative size (1 is the default; 0 takes only what is pinned to the machine).`));
    (m.pins ?? []).forEach((node, j) => {
      const at = ['machines', i, 'pins', j];
      const n = nodes.get(node);
      if (design && !n) f.push(error('E-INVENTORY-PIN', at, `the design has no node "${node}"; pin one of its nodes (vnetmap plan FILE --engine ovn lists them).`));
      else if (pinned.has(node)) f.push(error('E-INVENTORY-PIN', at, `${node} is pinned to ${pinned.get(node)} already; pin a node to one machine.`));
      else if (n?.placement !== undefined && n.placement !== m.name) f.push(error('E-INVENTORY-PIN', at, `the design pins ${node} to ${n.placement} ("placement:"), this inventory to ${m.name}; keep one of the two.`));
      else pinned.set(node, m.name);
    });
  });
  return f;
}

/** The design with the inventory's pins as `placement:` (what place() obeys). */
export function withInventoryPins(design: Design, inv: Inventory): Design {
  const pin = new Map(inv.machines.flatMap((m) => m.pins.map((n) => [n, m.name] as const)));
  if (!pin.size) return design;
  return { ...design, nodes: design.nodes.map((n) => (pin.has(n.name) ? { ...n, placement: pin.get(n.name)! } : n)) as Design['nodes'] };
}
