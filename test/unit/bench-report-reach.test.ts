// The all-pairs target is judged like for like: vnetmap on the neighbour limits Mininet gives
// itself. The report must still show what vnetmap takes on the table the machine had.
import { describe, expect, it } from 'vitest';
import type { Results } from '../../bench/lib/results.js';
import { renderMarkdown } from '../../bench/report.js';

const timing = (seconds: number, verdict: string) => ({ seconds, ok: true, verdict });
const results = (reach: Results['reach']): Results => ({
  mode: 'quick',
  startedAt: '2026-12-04T00:00:00.000Z',
  machine: { cpu: 'AMD EPYC', cores: 2, memoryGb: 23.5, kernel: 'k', os: 'Debian', node: 'v20', mininet: '2.3.0', iproute2: 'ip', neighTable: '1024' },
  vnetmapCommit: 'abc1234',
  commands: [],
  deploy: [],
  reach,
  scale: { pending: 'not run' },
  dataplane: { pending: 'not run' },
  compile: { shape: '', hosts: 0, rows: [] },
  notes: [],
});
const base = { shape: 'tree,depth=2,fanout=10', hosts: 100, pairs: 9900, mininet: { seconds: 20, total: 26, verdict: '0% dropped', reachablePairs: 9900 }, identical: true };

describe('bench report: all-pairs reachability', () => {
  it('judges on Mininet’s limits and shows the machine’s own table beside them', () => {
    const md = renderMarkdown(results({
      ...base,
      vnetmapPing: timing(1.6, 'pass: ping'),
      vnetmap: timing(2.5, 'pass: ping + ARP'),
      ratioPing: 12.5,
      ratio: 8,
      neighTable: '16384',
      asFound: { neighTable: '1024', ping: timing(4, 'pass: ping'), full: timing(8, 'pass: ping + ARP'), ratioPing: 5, ratio: 2.5 },
    }));
    expect(md).toContain("verify --only ping (pingall's checks): 12.5×; verify (ping + ARP): 8.0×, both on the neighbour table Mininet gives itself (on this machine's table of 1,024 entries: 5.0× and 2.5×); verdicts identical | met |");
    expect(md).toContain('| `vnetmap verify LAB --only ping` (same checks as pingall, neighbour table 1,024, as this machine had it) | 4.00 s | pass: ping |');
    expect(md).toContain('| `vnetmap verify LAB --only ping` (same checks as pingall, neighbour table 16,384, as Mininet sets it for itself) | 1.60 s | pass: ping |');
    expect(md).toContain('On the table the machine had: 5.0× ping only, 2.5× full.');
  });

  it('fails the target when the like-for-like ratio is short, whatever the machine had', () => {
    const md = renderMarkdown(results({ ...base, vnetmapPing: timing(4, 'pass'), vnetmap: timing(8, 'pass'), ratioPing: 5, ratio: 2.5, neighTable: '16384' }));
    expect(md).toMatch(/verify --only ping \(pingall's checks\): 5\.0×; verify \(ping \+ ARP\): 2\.5×; verdicts identical \| NOT met \|/);
    expect(md).toContain('(Mininet\'s or more, because Mininet ran earlier in this run)');
  });
});
