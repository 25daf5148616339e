// The `vnetmap` executable: dist/vnetmap.mjs (package.json's bin, built from src/cli/launch.ts)
// runs dist/cli.cjs, the whole CLI bundled into one file by esbuild from what tsc built
// (dist/src/cli/bin.js), with V8's code cache dist/cli.cjs.v8cache, written here after a
// warm-up run. Each command is its own process, so start-up is paid every time (twice per
// up + down): unbundled, Node resolved, read and linked ~130 ES modules (`down` of a small lab
// 0.5 s, bundled 0.3 s); the code cache saves compiling the bundle's functions again
// (`--version` 0.17 s -> 0.13 s). The bundle is CommonJS because V8's code cache is offered
// for scripts, not for ES modules, in Node.js 20. The CLI tests run the executable; the
// library entry (dist/src/index.js) stays unbundled for programs that import vnetmap.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { cliPath, packageRoot } from '../src/apply/design.js';

const root = packageRoot();
const launcher = cliPath(root);
const cli = join(root, 'dist', 'cli.cjs');
const node20 = { platform: 'node', target: 'node20', logLevel: 'warning' } as const;
await build({
  ...node20,
  entryPoints: [join(root, 'dist', 'src', 'cli', 'bin.js')],
  outfile: cli,
  bundle: true,
  format: 'cjs',
  sourcemap: true,
  // Loaded only by `draw`, and large: resolved from node_modules when needed.
  external: ['elkjs'],
  // packageRoot() finds package.json from the running file's URL.
  define: { 'import.meta.url': '__vnetmapUrl' },
  banner: { js: 'const __vnetmapUrl = require("node:url").pathToFileURL(__filename).href;' },
});
await build({ ...node20, entryPoints: [join(root, 'dist', 'src', 'cli', 'launch.js')], outfile: launcher, format: 'esm', banner: { js: '#!/usr/bin/env node' } });
chmodSync(launcher, 0o755);

// Warm-up: load, check and compile a design and render its script (no side effects: full
// capabilities, no probe), so that the cache holds the functions every command needs.
rmSync(`${cli}.v8cache`, { force: true });
execFileSync(process.execPath, [launcher, 'up', '--script', '--capabilities', 'full', join(root, 'examples', 'network-b.yaml')], { env: { ...process.env, VNETMAP_WRITE_CODE_CACHE: '1' }, stdio: ['ignore', 'ignore', 'inherit'] });
