// The data-plane table: each path's runs and the direct veth pair measured beside them, so a
// reader sees the spread and what the percentage compares; results saved before the runs were
// kept (best of 2) still render.
import { describe, expect, it } from 'vitest';
import type { DataplaneRow, Results } from '../../bench/lib/results.js';
import { renderMarkdown } from '../../bench/report.js';

const results = (dataplane: DataplaneRow[]): Results => ({
  mode: 'quick',
  startedAt: '2026-12-06T00:00:00.000Z',
  machine: { cpu: 'Xeon', cores: 2, memoryGb: 23.6, kernel: 'k', os: 'Debian', node: 'v20', mininet: '2.3.0', iproute2: 'ip', neighTable: '1024' },
  vnetmapCommit: 'abc1234',
  commands: [],
  deploy: [],
  scale: { pending: 'not run' },
  dataplane,
  compile: { shape: '', hosts: 0, rows: [] },
  notes: [],
});

describe('bench report: data plane', () => {
  it('shows every run and the veth pair beside each path', () => {
    const md = renderMarkdown(results([
      { path: 'direct veth pair (reference: every run beside the paths below)', gbps: 32, runs: [31, 32, 33, 30, 34, 32], relative: 1 },
      { path: 'faithful', gbps: 30, runs: [29, 30, 31], reference: 32, relative: 30 / 32 },
      { path: 'ovs', error: 'up: failed' },
    ]));
    expect(md).toContain('## Data plane (iperf3 TCP, 3 s, one stream, median of 3 runs, each beside a run of a direct veth pair)');
    expect(md).toContain('| faithful | 30.00 | 29.0, 30.0, 31.0 | 32.00 | 94 % |');
    expect(md).toContain('| ovs | – | – | – | – (up: failed) |');
  });

  it('renders results saved before the runs were kept', () => {
    const md = renderMarkdown(results([{ path: 'direct veth pair (reference)', gbps: 20, relative: 1 }, { path: 'compact', gbps: 18, relative: 0.9 }]));
    expect(md).toContain('one stream, best of 2)');
    expect(md).toContain('| compact | 18.00 | – | – | 90 % |');
  });
});
