// Writes schema/design.schema.json and schema/inventory.schema.json from the zod schemas (the single source of the types).
// --check fails when the committed file is stale, so CI catches a forgotten regeneration.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DesignSchema } from '../src/model/schema.js';
import { InventorySchema } from '../src/engines/ovn/inventory/schema.js';

// The design, and the inventory of machines an OVN twin runs on (`up --inventory FILE`).
for (const [name, schema] of [['design', DesignSchema], ['inventory', InventorySchema]] as const) {
  const out = fileURLToPath(new URL(`../../schema/${name}.schema.json`, import.meta.url));
  const json = JSON.stringify(z.toJSONSchema(schema, { target: 'draft-7' }), null, 2) + '\n';
  if (process.argv.includes('--check')) {
    let old = '';
    try {
      old = readFileSync(out, 'utf8');
    } catch {}
    if (old !== json) {
      console.error(`schema/${name}.schema.json is stale: run "npm run schema" and commit it.`);
      process.exit(1);
    }
  } else {
    writeFileSync(out, json);
    console.log(`wrote ${out}`);
  }
}
