// Where the installed package lives: examples/, the bundle and libexec/ are found from here.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | undefined;

/** The package root (where package.json and examples/ live), from this file's location; looked up once. */
export function packageRoot(): string {
  return (found ??= lookUp());
}

function lookUp(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'vnetmap') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the vnetmap package root');
    dir = up;
  }
}
