// `down` through a fake Runner (no root needed): only objects carrying exactly this lab's
// marker are deleted — not the user's same-prefix namespace, not another lab whose name starts
// the same, not unmarked or foreign root links — and everything goes in batches.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingRunner, type RunResult } from '../../src/exec/runner.js';

process.env.VNETMAP_STATE_DIR = mkdtempSync(join(tmpdir(), 'vnetmap-state-'));
const { destroyLab } = await import('../../src/apply/destroy.js');

const ok = (stdout: string): RunResult => ({ code: 0, stdout, stderr: '' });

function fakeHost(): RecordingRunner {
  let linkLists = 0;
  const aliases: Record<string, string | undefined> = { 'vn-lab-a': 'vnetmap:lab', 'vn-lab-b': 'vnetmap:lab', 'vn-lab-user': undefined, 'vn-lab-x-pc1': 'vnetmap:lab-x' };
  return new RecordingRunner((argv) => {
    const a = argv.join(' ');
    if (a === 'ip -j netns list') return ok(JSON.stringify(['vn-lab-a', 'vn-lab-b', 'vn-lab-user', 'vn-lab-x-pc1', 'other'].map((name) => ({ name }))));
    const lo = /^nsenter --net=\/var\/run\/netns\/(\S+) -- ip -j link show dev lo$/.exec(a);
    if (lo) return ok(JSON.stringify([{ ifname: 'lo', ...(aliases[lo[1]!] ? { ifalias: aliases[lo[1]!] } : {}) }]));
    if (a === 'ip -j link show') {
      linkLists++; // a root-to-root veth (between OVS bridges): listed until deleted
      const ours = linkLists <= 2 ?  [{ ifname: 'vnab1', ifalias: 'vnetmap:lab:link:3' }] : [];
      return ok(JSON.stringify([{ ifname: 'eth0' }, { ifname: 'vnzz', ifalias: 'vnetmap:lab-x:link:1' }, { ifname: 'mine0', ifalias: 'vnetmap:labx' }, ...ours]));
    }
    if (a === 'ovs-vsctl --timeout=3 show') return ok('');
    if (a.startsWith('ovs-vsctl --timeout=5 --bare --columns=name find bridge external_ids:vnetmap-lab=lab')) return ok('vnab0\n');
    return undefined;
  });
}

describe('down by marker (fake host)', () => {
  it('deletes only marked objects, in batches', async () => {
    const runner = fakeHost();
    const res = await destroyLab('lab', runner);
    expect(res).toMatchObject({ namespaces: 2, rootLinks: 1, ovsBridges: 1 });
    const inputs = runner.calls.filter((c) => c.argv.join(' ') === 'ip -force -batch -').map((c) => c.input);
    expect(inputs).toContain('netns del vn-lab-a\nnetns del vn-lab-b\n');
    expect(inputs).toContain('link del vnab1\n');
    const everything = runner.calls.map((c) => `${c.argv.join(' ')} ${c.input ?? ''}`).join('\n');
    for (const foreign of ['del vn-lab-user', 'del vn-lab-x-pc1', 'del other', 'del eth0', 'del vnzz', 'del mine0']) expect(everything).not.toContain(foreign);
    expect(runner.calls.find((c) => c.argv[0] === 'ovs-vsctl' && c.argv.includes('del-br'))?.argv).toEqual(['ovs-vsctl', '--timeout=10', '--', '--if-exists', 'del-br', 'vnab0']);
  });

  it('is idempotent: a host with nothing of ours gets no delete at all', async () => {
    const runner = new RecordingRunner((argv) => (argv.join(' ') === 'ip -j netns list' ? ok('') : argv.join(' ') === 'ip -j link show' ? ok('[{"ifname":"eth0"}]') : undefined));
    const res = await destroyLab('lab', runner);
    expect(res).toMatchObject({ namespaces: 0, rootLinks: 0, ovsBridges: 0 });
    expect(runner.calls.some((c) => c.input?.includes('del'))).toBe(false);
  });
});
