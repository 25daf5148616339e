// vnetmap draw end to end: the extension picks the format, the HTML page is self-contained
// and wires hover highlighting, Mermaid and Graphviz are well-formed enough to parse by eye.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it as baseIt } from 'vitest';

// Layout runs ELK, seconds on a loaded 2-core machine: allow it, the default 5 s is too tight.
const it = (name: string, fn: () => unknown) => baseIt(name, fn, 60_000);
import { formatOf } from '../../src/cli/draw.js';
import { main } from '../../src/cli/main.js';
import { UserError } from '../../src/errors.js';
import { bigDesign } from '../helpers/layout-sound.js';

const dir = mkdtempSync(join(tmpdir(), 'vnetmap-draw-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<number> {
  const saved = process.stderr.write.bind(process.stderr);
  process.stderr.write = () => true; // keep "wrote FILE" out of the test output
  try {
    process.exitCode = undefined;
    return await main(['node', 'vnetmap', 'draw', ...args]);
  } finally {
    process.stderr.write = saved;
  }
}

describe('vnetmap draw', () => {
  it('tells the format from the extension, or refuses', () => {
    expect(formatOf('x.svg', undefined)).toBe('svg');
    expect(formatOf('x.HTML', undefined)).toBe('html');
    expect(formatOf('x.gv', undefined)).toBe('dot');
    expect(formatOf('x.mmd', undefined)).toBe('mmd');
    expect(formatOf(undefined, undefined)).toBe('svg');
    expect(formatOf('x.png', 'dot')).toBe('dot');
    expect(() => formatOf('x.png', undefined)).toThrow(UserError);
  });

  it('writes a self-contained HTML page with both sides and the hover script', async () => {
    const out = join(dir, 'b.html');
    expect(await run('examples/network-b.yaml', '--strategy', 'compact', '--capabilities', 'full', '-o', out)).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html.match(/<svg /g)!.length).toBe(2);
    expect(html).toContain('class="side design"');
    expect(html).toContain('class="side twin"');
    expect(html).toContain("querySelectorAll('.el')");
    // The inline script at least parses (a browser would run it on load).
    const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
    expect(() => new Function(script)).not.toThrow();
    // No external resources: no src= or href= at all, and the only URL is the SVG namespace.
    expect(html).not.toMatch(/\s(src|href)=/);
    expect(html.match(/https?:\/\/[^"]+/g)!.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
    // The design's pc1 and the twin's objects realising it share a ref for the highlighter.
    expect(html).toMatch(/data-id="node:pc1" data-refs="node:pc1 /);
    expect(html).toMatch(/data-id="ns:vn-network-b-pc1" data-refs="[^"]*node:pc1/);
  });

  it('writes Mermaid and Graphviz for one side', async () => {
    const mmd = join(dir, 'a.mmd');
    const dot = join(dir, 'a.dot');
    expect(await run('examples/network-a.yaml', '--side', 'design', '-o', mmd)).toBe(0);
    expect(await run('examples/network-a.yaml', '--side', 'twin', '--capabilities', 'minimal', '-o', dot)).toBe(0);
    const m = readFileSync(mmd, 'utf8');
    expect(m.startsWith('flowchart TB\n')).toBe(true);
    expect(m).toContain('"pc1<br/>eth0 192.168.1.11/24<br/>gw 192.168.1.1"');
    const g = readFileSync(dot, 'utf8');
    expect(g.startsWith('graph ')).toBe(true);
    expect(g.trim().endsWith('}')).toBe(true);
    expect(g.split('{').length).toBe(g.split('}').length);
    expect(g).toContain('subgraph "cluster_twin0/ns:vn-network-a-gw"');
  });

  it('--group always|never|auto: identical hosts as one group box, or each drawn', async () => {
    const file = join(dir, 'eight.yaml');
    writeFileSync(file, bigDesign(1, 8));
    const mmd = join(dir, 'g.mmd');
    expect(await run(file, '--side', 'design', '--group', 'always', '-o', mmd)).toBe(0);
    expect(readFileSync(mmd, 'utf8')).toContain('[["8 × host<br/>h0 … h7');
    expect(await run(file, '--side', 'design', '--group', 'never', '-o', mmd)).toBe(0);
    expect(readFileSync(mmd, 'utf8')).not.toContain('[[');
    // auto: only above 300 boxes, so this small picture stays as it is.
    expect(await run(file, '--side', 'design', '-o', mmd)).toBe(0);
    expect(readFileSync(mmd, 'utf8')).not.toContain('[[');
    expect(await run(file, '--group', 'sometimes', '-o', mmd)).toBe(2);
  });

  it('reports a bad --trace as the user\'s mistake (exit 2)', async () => {
    expect(await run('examples/network-a.yaml', '--capabilities', 'full', '--trace', 'pc1', '-o', join(dir, 't.svg'))).toBe(2);
    expect(await run('examples/network-a.yaml', '--capabilities', 'full', '--trace', 'pc1', 'nowhere', '-o', join(dir, 't.svg'))).toBe(2);
    expect(await run('examples/network-a.yaml', '--capabilities', 'full', '--trace', 'pc1', 'internet', '--trace-port', '99999', '-o', join(dir, 't.svg'))).toBe(2);
  });
});
