// Writes schema/design.schema.json from the zod schema (the single source of the types).
// --check fails when the committed file is stale, so CI catches a forgotten regeneration.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DesignSchema } from '../src/model/schema.js';

const out = fileURLToPath(new URL('../../schema/design.schema.json', import.meta.url));
const json = JSON.stringify(z.toJSONSchema(DesignSchema, { target: 'draft-7' }), null, 2) + '\n';
if (process.argv.includes('--check')) {
  let old = '';
  try {
    old = readFileSync(out, 'utf8');
  } catch {}
  if (old !== json) {
    console.error('schema/design.schema.json is stale: run "npm run schema" and commit it.');
    process.exit(1);
  }
} else {
  writeFileSync(out, json);
  console.log(`wrote ${out}`);
}
