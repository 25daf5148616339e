// The `vnetmap` executable as one file: dist/vnetmap.mjs, bundled by esbuild from what tsc
// built (dist/src/cli/bin.js; the CLI tests run the bundle). Node resolves, reads and links ~130 ES
// modules on every start otherwise, which here costs ~0.2 s of each command (`down` of a
// small lab took 0.5 s unbundled, 0.3 s bundled): one process per command, so users wait for it
// every time, and `up` + `down` pay it twice. The library entry (dist/src/index.js) stays
// unbundled for programs that import vnetmap.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, packageRoot } from '../src/apply/design.js';

const root = packageRoot();
const outfile = cliPath(root);
await build({
  entryPoints: [join(root, 'dist', 'src', 'cli', 'bin.js')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // Loaded only by `draw`, and large: resolved from node_modules when needed.
  external: ['elkjs'],
  // commander is CommonJS and calls require(); an ES module bundle has none of its own.
  banner: { js: 'import { createRequire as __vnetmapRequire } from "node:module"; const require = __vnetmapRequire(import.meta.url);' },
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);
