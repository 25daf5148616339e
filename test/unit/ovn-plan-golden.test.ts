// Golden OVN plans: every example on 2 simulated chassis, for a slim kernel (userspace
// datapath, what CI runs) and a distribution kernel (kernel datapath, golden-only here), as
// the plan (JSON), its table and explanation; for the userspace datapath also the bash script,
// the Northbound transaction `up` sends and the twin's diagram (Mermaid). The twin must differ from the design only where a
// deviation says so. UPDATE_GOLDEN=1 rewrites them; review the diff.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { drawMermaid } from '../../src/diagram/draw.js';
import { ovnGraph } from '../../src/engines/ovn/diagram.js';
import { ovnEngine } from '../../src/engines/ovn/index.js';
import { insertOps } from '../../src/engines/ovn/render/nb-json.js';
import { nbRows } from '../../src/engines/ovn/render/nb-rows.js';
import { loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { golden } from '../helpers/golden.js';

const EXAMPLES = 'examples';
const OUT = 'test/golden/ovn';
const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();

describe.each(examples)('OVN plan goldens for examples/%s.yaml', (ex) => {
  const design = loadDesignFile(join(EXAMPLES, `${ex}.yaml`)).design!;
  for (const caps of ['minimal', 'full'])
    it(`2 chassis, capabilities ${caps}`, async () => {
      const base = join(OUT, `${ex}.${caps}`);
      let plan;
      try {
        plan = ovnEngine.compile(design, { capabilities: PRESETS[caps]!, chassis: 2 });
      } catch (e) {
        // What the engine does not build (dynamic routing) or not yet (a router's firewall, services): refused, with why.
        expect(e).toBeInstanceOf(UserError);
        await golden(`${base}.error.txt`, `${(e as Error).message}\n`);
        return;
      }
      await golden(`${base}.json`, JSON.stringify(plan, null, 2) + '\n');
      await golden(`${base}.txt`, ovnEngine.table(design, plan));
      await golden(`${base}.explain.txt`, ovnEngine.explain(plan, design));
      if (caps === 'minimal') {
        await golden(`${base}.sh`, ovnEngine.script(plan));
        await golden(`${base}.nb.json`, JSON.stringify(insertOps(nbRows(plan)), null, 1) + '\n');
        await golden(`${base}.mmd`, drawMermaid(design, undefined, 'twin', undefined, { twin: ovnGraph(plan, design) }));
      }
      // No mapping bug: every difference from the design is a declared deviation.
      expect(ovnEngine.compare(design, plan).bugs).toEqual([]);
    });
});
