// A merged bench run (--merge) keeps rows measured by earlier runs; the report must say on which
// machine those ran when it was not the machine of the run that wrote the report.
import { describe, expect, it } from 'vitest';
import type { Machine } from '../../bench/lib/measure.js';
import { mergeMachine, type Results } from '../../bench/lib/results.js';
import { renderMarkdown } from '../../bench/report.js';

const box = (kernel: string, node = 'v20.20.2'): Machine => ({ cpu: 'AMD EPYC', cores: 2, memoryGb: 23.5, kernel, os: 'Debian GNU/Linux 12 (bookworm)', node, mininet: '2.3.0', iproute2: 'iproute2-6.1.0', neighTable: '1024' });
const run = (commit: string, machine: Machine): Results => ({
  mode: 'full',
  startedAt: '2026-12-01T00:00:00.000Z',
  machine,
  vnetmapCommit: commit,
  commands: [],
  deploy: [],
  scale: { pending: 'not run' },
  dataplane: { pending: 'not run' },
  compile: { shape: '', hosts: 0, rows: [] },
  notes: [],
});

describe('bench --merge and the machine', () => {
  it('keeps what the kept runs ran on, takes this run machine, and reports both', () => {
    const r = run('aaaaaaa', box('6.18.44-v1045'));
    mergeMachine(r, box('6.18.44-v1045'));
    expect(r.earlierMachines).toBeUndefined();
    r.vnetmapCommit = 'bbbbbbb';
    mergeMachine(r, box('6.18.44-v1147', 'v20.21.0'));
    expect(r.machine.kernel).toBe('6.18.44-v1147');
    expect(r.earlierMachines).toEqual([{ upTo: 'bbbbbbb', machine: box('6.18.44-v1045') }]);
    const md = renderMarkdown(r);
    expect(md).toContain('| kernel | 6.18.44-v1147 (Debian GNU/Linux 12 (bookworm)) |');
    expect(md).toContain('| earlier runs | the runs up to `bbbbbbb`, whose rows and sections this report keeps, ran with kernel 6.18.44-v1045, Node.js v20.20.2 |');
  });

  it('shows only what differs from this run, for each earlier machine in turn', () => {
    const r = run('ccccccc', box('6.18.44-v1147', 'v20.21.0'));
    r.earlierMachines = [{ upTo: 'aaaaaaa', machine: box('6.18.44-v1045') }];
    // Back on the first kernel: the oldest runs match it again, the ones up to ccccccc do not.
    mergeMachine(r, box('6.18.44-v1045', 'v20.21.0'));
    expect(r.earlierMachines.map((e) => e.upTo)).toEqual(['aaaaaaa', 'ccccccc']);
    const md = renderMarkdown(r);
    expect(md).toContain('| earlier runs | the runs up to `aaaaaaa`, whose rows and sections this report keeps, ran with Node.js v20.20.2 |');
    expect(md).toContain('| earlier runs | the later runs up to `ccccccc`, whose rows and sections this report keeps, ran with kernel 6.18.44-v1147 |');
  });
});
