// How big each machine's part of an inventory plan is, as `up --inventory` stores it in the
// Northbound (NB_Global external_ids, JSON + gzip + base64; docs/ovn-inventory.md), and how long
// making it takes: 1,000 hosts over 4 machines, in the flat tree (one broadcast domain) and in
// 10 subnets behind a router. Pure (no root): `npx tsc -p bench && node dist/bench/inventory-part.js`.
// Writes bench/results/ovn-inventory.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { designYaml, routedYaml, treeForHosts, treeTopo } from './gen-designs.js';
import { machine, ROOT } from './lib/measure.js';
import { loadDesign } from '../src/model/load.js';
import { loadInventory } from '../src/engines/ovn/inventory/load.js';
import { chassisPart, encodePart, MAX_PART_BYTES } from '../src/engines/ovn/inventory/part.js';
import { ovnEngine } from '../src/engines/ovn/index.js';
import { PRESETS } from '../src/plan/capabilities.js';

const HOSTS = 1000;

const inventory = 'central: { address: 192.0.2.1 }\nmachines:\n' + [1, 2, 3, 4].map((i) => `  - { name: hv${i}, address: 192.0.2.${10 + i} }`).join('\n') + '\n';
const rows: string[] = [];
for (const [shape, yaml] of [
  [`tree (one broadcast domain)`, (() => { const { depth, fanout } = treeForHosts(HOSTS); return designYaml(treeTopo(depth, fanout), { name: 'tree' }); })()],
  [`10 subnets of ${HOSTS / 10}`, routedYaml('routed', HOSTS, 10)],
] as const) {
  const loaded = loadDesign(yaml);
  if (!loaded.design) throw new Error(`${shape}: ${loaded.errors[0]?.message}`);
  const design = loaded.design;
  const inv = loadInventory(inventory, 'inventory.yaml', design).inventory!;
  const t0 = performance.now();
  const plan = ovnEngine.compile(design, { capabilities: PRESETS.minimal!, inventory: inv });
  const compileMs = performance.now() - t0;
  for (const c of plan.chassis) {
    const t = performance.now();
    const part = chassisPart(plan, c.name);
    const json = JSON.stringify(part).length;
    const encoded = encodePart(part).length;
    rows.push(`| ${shape} | ${c.name} | ${part.nodes.length} | ${part.bindings.length} | ${(json / 1024).toFixed(0)} KiB | ${(encoded / 1024).toFixed(0)} KiB | ${(performance.now() - t).toFixed(0)} ms | ${compileMs.toFixed(0)} ms |`);
  }
}
const md = `# A machine's part of an inventory plan (bench/inventory-part.ts)

${((m) => `${m.cpu}, ${m.cores} cores, ${m.os}, kernel ${m.kernel}, Node ${m.node}`)(await machine())}; ${new Date().toISOString().slice(0, 10)}. ${HOSTS} hosts over 4 machines (pure computation, one process; the machine is shared with other work); the bound is ${MAX_PART_BYTES / 1048576} MiB encoded per part.

| design | machine | nodes | ports | JSON | stored (gzip + base64) | making it | compiling the plan |
|---|---|---|---|---|---|---|---|
${rows.join('\n')}
`;
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'ovn-inventory.md'), md);
process.stdout.write(md);
