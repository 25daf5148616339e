// The README promises that its Tour runs as written and that its library example compiles and
// runs. This test takes both from README.md itself, so the README cannot drift from the tool:
//  - the Tour: every `npx vnetmap …` line, in order, through the built executable (cwd: a
//    scratch directory with the examples, so the files it writes land there), each exiting 0;
//  - the library example: compiled as a consumer's strict TypeScript project would (no
//    skipLibCheck: type errors of our declarations or of dependencies they expose would fail
//    it), against the package as it is installed (package.json "exports"), then run as root.
// Both use the README's own lab names, so they run only when no such lab is up already.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { destroyLab } from '../../src/apply/destroy.js';
import { cliPath } from '../../src/apply/design.js';
import { readState } from '../../src/apply/state.js';
import { engineNamed, engineOfLab } from '../../src/engines/index.js';
import { splitWords } from '../../src/cli/console-line.js';
import { isRoot, runner } from './realize-helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The fenced block of `lang` that follows `heading` in the README. */
function block(heading: string, lang: string): string {
  const at = README.indexOf(heading);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(README.slice(at));
  if (at < 0 || !m) throw new Error(`README.md has no ${lang} block after "${heading}"`);
  return m[1]!;
}

const TOUR = block('## Tour', 'sh')
  .split('\n')
  .map((l) => l.replace(/\s+#.*$/, '').trim())
  .filter((l) => l.startsWith('npx vnetmap '));
const LIBRARY = block('## Library', 'ts');
const LABS = [...new Set([...TOUR.join(' ').matchAll(/\b(?:down|verify|status) ([\w-]+)/g)].map((m) => m[1]!)), 'two-pcs'];
const busy = LABS.filter((l) => readState(l) !== undefined);
const ready = isRoot && busy.length === 0;
const why = !isRoot ? ' (skipped: needs root)' : busy.length ? ` (skipped: lab ${busy.join(', ')} is up on this machine; the README uses these names)` : '';

const dirs: string[] = [];
afterAll(async () => {
  if (ready) for (const l of LABS) await engineNamed(engineOfLab(l)).down(l, runner, {}).catch(() => destroyLab(l, runner).catch(() => undefined));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function run(argv: string[], cwd: string): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    const c = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    c.stdout.on('data', (b: Buffer) => out.push(b));
    c.stderr.on('data', (b: Buffer) => out.push(b));
    c.on('close', (code) => done({ code, out: Buffer.concat(out).toString() }));
  });
}

/** `dir/*.ext`, as the shell expands it. */
const glob = (w: string): string[] => {
  const [dir, pat] = [w.slice(0, w.lastIndexOf('/')), w.slice(w.lastIndexOf('/') + 1)];
  const re = new RegExp(`^${pat.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
  return readdirSync(join(ROOT, dir)).filter((f) => re.test(f)).sort().map((f) => `${dir}/${f}`);
};

/** A shell word list without a shell: the Tour's lines use plain or quoted words, globs and one `>`. */
function words(line: string, cwd: string): { argv: string[]; stdout?: string } {
  const parts = splitWords(line) as string[];
  const gt = parts.indexOf('>');
  const stdout = gt >= 0 ? join(cwd, parts[gt + 1]!) : undefined;
  const argv = (gt >= 0 ? parts.slice(0, gt) : parts).flatMap((w) => (w.includes('*') ? glob(w) : [w]));
  return { argv: ['node', cliPath(), ...argv.slice(2)], ...(stdout ? { stdout } : {}) };
}

describe.skipIf(!ready)(`the README, as written${why}`, () => {
  it('has a Tour whose every command exits 0, in order', async () => {
    expect(TOUR.length).toBeGreaterThan(15);
    const cwd = mkdtempSync(join(tmpdir(), 'vnetmap-tour-'));
    dirs.push(cwd);
    symlinkSync(join(ROOT, 'examples'), join(cwd, 'examples'));
    for (const line of TOUR) {
      const { argv, stdout } = words(line, cwd);
      const r = await run(argv, cwd);
      expect(r.code, `${line}\n${r.out}`).toBe(0);
      if (stdout) writeFileSync(stdout, r.out);
    }
    // It ends as it began: nothing of it left running.
    for (const l of LABS) expect(readState(l), l).toBeUndefined();
  }, 240_000);

  it('has a library example that compiles as a strict consumer project and runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vnetmap-consumer-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(ROOT, join(dir, 'node_modules', 'vnetmap'));
    symlinkSync(join(ROOT, 'node_modules', '@types'), join(dir, 'node_modules', '@types'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: false, types: ['node'], outDir: 'out' }, include: ['example.ts'] }));
    writeFileSync(join(dir, 'example.ts'), LIBRARY);
    const tsc = await run(['node', join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], dir);
    expect(tsc.code, tsc.out).toBe(0);
    const r = await run(['node', join(dir, 'out', 'example.js')], dir);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/ 0 failed/);
    expect(r.out).toMatch(/ping pc1 -> pc2|[1-9]\d* passed/);
    expect(readState('two-pcs')).toBeUndefined();
  }, 120_000);
});
