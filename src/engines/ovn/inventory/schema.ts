// The inventory language: which real machines an OVN twin runs on (`up --engine ovn
// --inventory FILE`), where its central part listens, and optionally how much each machine
// takes and which nodes it must hold. One zod schema is the source of the type and of the
// published JSON Schema (schema/inventory.schema.json, scripts/gen-schema.ts); checks.ts
// checks what a shape cannot say (unique names and addresses, pins naming design nodes).
import { z } from 'zod';

const d = <T extends z.ZodType>(t: T, description: string): T => t.meta({ description });
const Ip = d(z.string(), 'IPv4 address without prefix, e.g. 192.0.2.10.');
const Port = d(z.number().int(), 'TCP port, 1-65535.');

export const Machine = z.strictObject({
  name: d(z.string(), "The machine's chassis name (its OVN system-id): what `vnetmap chassis join --name` says on it and what `placement:` pins in the design name. Letters, digits, '.', '-', '_'."),
  address: d(Ip, "The machine's tunnel (Geneve) address on the underlay; other chassis send its traffic there. `chassis join --encap-ip` may override it."),
  capacity: d(z.number().optional(), "Relative size (default 1): the machine's share of the nodes is its capacity over the sum; 0 takes only what is pinned to it."),
  pins: d(z.array(z.string()).optional(), 'Design nodes that must run on this machine (as `placement:` in the design would say).'),
});

export const InventorySchema = z.strictObject({
  central: d(
    z.strictObject({
      address: d(Ip, 'Where the central part (Northbound and Southbound ovsdb-server) listens: an address of the machine that runs `vnetmap up`, reachable from every machine.'),
      'nb-port': d(Port.optional(), 'Northbound TCP port (default 6641).'),
      'sb-port': d(Port.optional(), 'Southbound TCP port (default 6642).'),
    }),
    'The central part: Northbound and Southbound databases and ovn-northd, run by `vnetmap up` on its machine.',
  ),
  'underlay-mtu': d(z.number().int().optional(), 'MTU of the network between the machines (default 1500); workloads get this minus 100 (Geneve headers) when that is below their own.'),
  machines: d(z.array(Machine), 'The machines (chassis), each running `vnetmap chassis join`.'),
});

export type RawInventory = z.infer<typeof InventorySchema>;

/** An inventory, read and checked. */
export interface Inventory {
  file: string;
  central: { address: string; nbPort: number; sbPort: number };
  underlayMtu: number;
  machines: { name: string; address: string; capacity?: number; pins: string[] }[];
}

export const DEFAULT_NB_PORT = 6641;
export const DEFAULT_SB_PORT = 6642;
export const DEFAULT_UNDERLAY_MTU = 1500;
/** Geneve over IPv4 with OVN's options, rounded up: what a workload's MTU leaves to the underlay. */
export const ENCAP_OVERHEAD = 100;
