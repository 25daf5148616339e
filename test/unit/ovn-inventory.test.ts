// The OVN plan over an inventory of machines, pure: goldens of the plan (table, explanation)
// and of each machine's part for networks A and B; the parts split the workloads between the
// machines exactly once, with br-int ends in each machine's root namespace; a part survives
// its encoding; the argv a machine's chassis runs; --central parsing. UPDATE_GOLDEN=1 rewrites.
import { existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ovnEngine } from '../../src/engines/ovn/index.js';
import { parseCentral } from '../../src/engines/ovn/chassis/join.js';
import { machineBridges } from '../../src/engines/ovn/chassis/member.js';
import { loadInventoryFile } from '../../src/engines/ovn/inventory/load.js';
import { chassisPart, decodePart, encodePart, partOps, PART_KEY } from '../../src/engines/ovn/inventory/part.js';
import { centralSteps, chassisSteps } from '../../src/engines/ovn/render/daemons.js';
import { OvnLayout } from '../../src/engines/ovn/render/layout.js';
import { loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { namespacesOf } from '../../src/render/scope.js';
import { golden } from '../helpers/golden.js';
import { waitMachines } from '../../src/engines/ovn/apply/central.js';
import type { Ovsdb } from '../../src/engines/ovn/ovsdb/client.js';
import { chooseDatapath } from '../../src/engines/ovn/chassis/machine.js';
import type { Runner } from '../../src/exec/runner.js';

const DIR = 'test/golden/ovn-inventory';
const INV = `${DIR}/two-machines.inventory.yaml`;

describe.each(['network-a', 'network-b'])('examples/%s.yaml over the inventory of two machines', (ex) => {
  const design = loadDesignFile(`examples/${ex}.yaml`).design!;
  const inventory = loadInventoryFile(INV, design).inventory!;
  const plan = ovnEngine.compile(design, { capabilities: PRESETS.minimal!, inventory });

  it('plan, explanation and each machine\'s part (goldens); no mapping bug', async () => {
    await golden(`${DIR}/${ex}.txt`, ovnEngine.table(design, plan));
    await golden(`${DIR}/${ex}.explain.txt`, ovnEngine.explain(plan, design));
    for (const c of plan.chassis) await golden(`${DIR}/${ex}.${c.name}.part.json`, JSON.stringify(chassisPart(plan, c.name), null, 1) + '\n');
    expect(ovnEngine.compare(design, plan).bugs).toEqual([]);
    expect(plan.inventory).toEqual({ file: INV, central: { address: '192.0.2.1', nbPort: 6641, sbPort: 6642 } });
    // The inventory's pin, and an underlay of 1,500 bytes: workloads at 1,400, said as a deviation.
    expect(plan.placement.assign.pc1).toBe('rack1-hv1');
    expect(plan.deviations.map((d) => d.code)).toContain('ovn-underlay-mtu');
  });

  it('the parts hold every workload namespace once, their br-int ends in the machine\'s own namespace; the central makes none', () => {
    const parts = plan.chassis.map((c) => chassisPart(plan, c.name));
    const all = namespacesOf(plan.local).sort();
    expect(parts.flatMap((p) => namespacesOf(p.local)).sort()).toEqual(all);
    expect(all.every((n) => n.startsWith(`vn-${design.name}-`))).toBe(true); // no chassis, underlay or central namespace
    for (const p of parts) {
      expect(p.bindings.every((b) => b.chassis === p.name)).toBe(true);
      for (const o of p.local.objects) if (o.kind === 'veth' && o.b.namespace === null) expect(p.bindings.map((b) => b.dev)).toContain(o.b.name);
    }
    expect(parts.flatMap((p) => p.bindings).length).toBe(plan.bindings.length);
  });

  it('a part survives its encoding; NB_Global carries the lab and every part', () => {
    const p = chassisPart(plan, 'rack1-hv2');
    expect(decodePart(encodePart(p))).toEqual(p);
    const [op] = partOps(plan) as [{ table: string; row: { external_ids: ['map', [string, string][]] } }];
    expect(op.table).toBe('NB_Global');
    const keys = op.row.external_ids[1].map(([k]) => k);
    expect(keys).toEqual(['vnetmap-lab', ...plan.chassis.map((c) => `${PART_KEY}${c.name}`)]);
    const json = gunzipSync(Buffer.from(op.row.external_ids[1][1]![1], 'base64')).toString();
    expect(JSON.parse(json).name).toBe('rack1-hv1');
  });
});

it('the central listens on TCP as well; a machine\'s chassis runs in its own namespace with the lab\'s bridges', async () => {
  const L = new OvnLayout('/run/vnetmap/lab1/ovn');
  const central = centralSteps(L, null, { address: '192.0.2.1', nbPort: 6641, sbPort: 6642 });
  expect(central[2]!.argv).toContain('--remote=ptcp:6641:192.0.2.1');
  expect(central[4]!.argv).toContain('--remote=ptcp:6642:192.0.2.1');
  expect(central[2]!.argv[0]).toBe('env'); // no nsenter: this machine's own namespace
  const M = new OvnLayout('/run/vnetmap/lab1/member');
  const s = chassisSteps({ lab: 'lab1', name: 'hv1', sbRemote: 'tcp:192.0.2.1:6642', encap: 'geneve', encapIp: '192.0.2.11', encapPrefix: 24, datapath: 'netdev', underlayDev: 'eth1', encapMac: '02:00:00:00:00:01', underlayMtu: 1500, peers: [], bindings: [], bridges: machineBridges('abcd') }, M);
  await golden(`${DIR}/machine-chassis.argv.txt`, [...s.db, s.vswitchd, ...s.underlay, s.controller].map((x) => `# ${x.why}\n${x.argv.join(' ')}`).join('\n') + '\n');
  // The kernel datapath: no tunnel bridge, the address stays where it is.
  const k = chassisSteps({ lab: 'lab1', name: 'hv2', sbRemote: 'tcp:192.0.2.1:6642', encap: 'geneve', encapIp: '192.0.2.12', encapPrefix: 32, datapath: 'system', underlayMtu: 1500, peers: [], bindings: [], bridges: machineBridges('abcd') }, M);
  expect(k.underlay).toEqual([]);
  await golden(`${DIR}/machine-chassis.system.argv.txt`, [...k.db, k.vswitchd, k.controller].map((x) => `# ${x.why}\n${x.argv.join(' ')}`).join('\n') + '\n');
});

it('--central: ADDR or ADDR:PORT', () => {
  expect(parseCentral('192.0.2.1')).toEqual({ address: '192.0.2.1', port: 6641 });
  expect(parseCentral('192.0.2.1:7001')).toEqual({ address: '192.0.2.1', port: 7001 });
  expect(() => parseCentral('central:6641')).toThrow(/ADDR or ADDR:PORT/);
  expect(() => parseCentral('192.0.2.1:70000')).toThrow(/ADDR or ADDR:PORT/);
});

describe('the central waits for the machines, bounded, naming those missing', () => {
  const design = loadDesignFile('examples/network-a.yaml').design!;
  const plan = ovnEngine.compile(design, { capabilities: PRESETS.minimal!, inventory: loadInventoryFile(INV, design).inventory! });
  /** A Southbound where `joined` have applied change `cfg`, and a Northbound whose ports are up when `up`. */
  const fake = (joined: string[], cfg: number, up: boolean): Ovsdb => ({
    transact: async (_db: string, ops: unknown[]) => {
      const table = (ops[0] as { table: string }).table;
      if (table === 'Chassis_Private') return [{ rows: joined.map((name) => ({ name, nb_cfg: cfg })) }];
      return [{ rows: up ? [] : [{ name: 'x' }] }];
    },
    close: () => undefined,
  });

  it('times out naming the machine that has not joined, with the command to run there; progress says who joined', async () => {
    const said: string[] = [];
    const db = fake(['rack1-hv1'], 5, false);
    const err = await waitMachines(db, db, 5, plan, { timeoutMs: 50, onProgress: (d, t, why) => said.push(`${d}/${t} ${why}`) }).catch((e: Error & { stderr?: string; hint?: string }) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as { stderr: string }).stderr).toContain('machine(s) rack1-hv2 did not join within 0 s');
    expect((err as { hint: string }).hint).toContain(`run "vnetmap chassis join --central 192.0.2.1:6641 --lab ${plan.lab} --name rack1-hv2"`);
    expect(said[0]).toBe(`1/2 waiting for rack1-hv2 to join (1 of 2 joined); on it, run: vnetmap chassis join --central 192.0.2.1:6641 --lab ${plan.lab} --name rack1-hv2`);
  });

  it('a machine behind is named as such; all joined, applied and up: done', async () => {
    const behind = fake(['rack1-hv1', 'rack1-hv2'], 4, true);
    const err = await waitMachines(behind, behind, 5, plan, { timeoutMs: 30 }).catch((e: { stderr: string }) => e);
    expect((err as { stderr: string }).stderr).toContain('rack1-hv1, rack1-hv2 did not apply the change');
    const done = fake(['rack1-hv1', 'rack1-hv2'], 5, true);
    expect(await waitMachines(done, done, 5, plan, { timeoutMs: 30 })).toMatchObject({ chassisMs: expect.any(Number), portsMs: expect.any(Number) });
  });
});

describe('the datapath a joining machine may use', () => {
  /** A machine whose devices are `devs` (what `ip link show dev X` finds). */
  const machineWith = (devs: string[]): Runner => ({
    run: async (argv: readonly string[]) => ({ code: devs.includes(argv[argv.length - 1]!) ? 0 : 1, stdout: '', stderr: '' }),
  }) as unknown as Runner;
  const module = existsSync('/sys/module/openvswitch');

  it('never a second userspace Open vSwitch beside another, never the kernel datapath another uses', async () => {
    await expect(chooseDatapath(machineWith(['ovs-netdev']), 'netdev')).rejects.toThrow(/another Open vSwitch runs the userspace datapath/);
    await expect(chooseDatapath(machineWith(['ovs-system']), 'system')).rejects.toThrow(module ? /uses the kernel datapath/ : /no openvswitch module/);
    // Left to choose: the kernel datapath only with the module and nobody on it.
    expect(await chooseDatapath(machineWith([]))).toBe(module ? 'system' : 'netdev');
    expect(await chooseDatapath(machineWith(['ovs-system']))).toBe('netdev');
  });
});
