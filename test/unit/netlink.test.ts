// The netlink helper's contract, without a kernel: it speaks every line the renderer writes for
// the per-namespace phase (or the live `up` would quietly fall back to ip), and the Node side
// hands back what it skipped and names the command and line of a refusal.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../src/errors.js';
import { enteredNs, enterNs } from '../../src/exec/netns.js';
import { flushCommand } from '../../src/verify/neigh-budget.js';
import { netlinkHelper, viaNetlink } from '../../src/exec/netlink.js';
import { ProcessRunner, type Command, type RunOptions, type RunResult } from '../../src/exec/runner.js';
import type { Strategy } from '../../src/model/limits.js';
import { loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import { renderSteps } from '../../src/render/render.js';
import { isCommand, type CommandStep } from '../../src/render/steps.js';

const helper = netlinkHelper();

/** Per-namespace ip batches of every example under every strategy, both presets, both VM modes. */
function everyBatch(): CommandStep[] {
  const out: CommandStep[] = [];
  for (const ex of ['figure-1', 'network-a', 'network-a-vms', 'network-b', 'network-b-servers']) {
    const r = loadDesignFile(join('examples', `${ex}.yaml`));
    if (!r.design) throw new Error(ex);
    for (const strategy of ['faithful', 'compact', 'macvtap', 'ovs'] as Strategy[]) {
      for (const caps of ['full', 'minimal'] as const) {
        for (const vms of ['netns', 'qemu'] as const) {
          let steps;
          try {
            steps = renderSteps(compile({ ...r.design, name: 'nl' }, { strategy, capabilities: PRESETS[caps]!, vms }));
          } catch {
            continue; // a combination the compiler refuses (e.g. macvtap needing 8021q under minimal)
          }
          for (const s of steps) if (isCommand(s) && s.argv[0] === 'nsenter' && s.argv.slice(-3).join(' ') === 'ip -batch -') out.push(s);
        }
      }
    }
  }
  return out;
}

describe('the netlink helper speaks what the renderer writes', () => {
  it('can run here (scripts/setup.sh installs python3)', () => {
    expect(helper).toBeDefined();
  });

  it('takes every per-namespace batch but those creating devices (TAPs, VLAN devices, macvlan children), which stay with ip', async () => {
    const batches = everyBatch();
    expect(batches.length).toBeGreaterThan(100);
    const phases = new Set(batches.map((b) => b.phase));
    expect(phases).toEqual(new Set(['config', 'vlans', 'macvlan']));
    const input = JSON.stringify({ batches: batches.map((b) => ({ netns: b.argv[1]!.slice('--net='.length), text: b.input })) });
    const r = await new ProcessRunner({ netlink: false }).run([...helper!, '--parse-only'], { input });
    const skipped = new Set((JSON.parse(r.stdout) as { skipped: number[] }).skipped);
    const creates = batches.map((b, i) => (/^(tuntap add|link add) /m.test(b.input!) ? i : -1)).filter((i) => i >= 0);
    expect(creates.length).toBeGreaterThan(0);
    expect([...skipped].sort((a, b) => a - b)).toEqual(creates);
  });

  it("takes verify's command emptying a namespace's neighbour cache", async () => {
    const c = flushCommand('vn-x-h1');
    const input = JSON.stringify({ batches: [{ netns: enteredNs(c.argv)!.netns, text: c.input }] });
    const r = await new ProcessRunner({ netlink: false }).run([...helper!, '--parse-only'], { input });
    expect((JSON.parse(r.stdout) as { skipped: number[] }).skipped).toEqual([]);
  });

  it('hands back lines it does not speak, and lines with values it cannot read', async () => {
    const odd = ['neigh flush dev eth0', 'neigh flush all nud stale', 'neigh flush', 'link set dev eth0 up mystery', 'addr add 10.0.0.1/24 dev eth0', 'addr replace 2001:db8::1/64 dev eth0', 'route replace 10.0.0.0/33 via 10.0.0.1', 'link set dev eth0 address 52:54:00:zz:00:01', 'route replace default via 10.0.0.1 metric 5', 'link set dev lo up alias "a b"', 'link set dev lo up # comment'];
    const input = JSON.stringify({ batches: odd.map((text) => ({ netns: '/nonexistent', text })) });
    const r = await new ProcessRunner({ netlink: false }).run([...helper!, '--parse-only'], { input });
    expect((JSON.parse(r.stdout) as { skipped: number[] }).skipped).toEqual(odd.map((_, i) => i));
  });
});

describe('viaNetlink (the Node side)', () => {
  const batch = (ns: string, text: string): Command => ({ argv: [...enterNs(ns), 'ip', '-batch', '-'], input: text });
  const other: Command = { argv: [...enterNs('a'), 'nft', '-f', '-'], input: 'flush ruleset\n' };
  const fake = (answer: object) => {
    const seen: { argv: readonly string[]; input?: string }[] = [];
    const run = async (argv: readonly string[], o?: RunOptions): Promise<RunResult> => {
      seen.push({ argv, ...(o?.input !== undefined ? { input: o.input } : {}) });
      return { code: 0, stdout: JSON.stringify(answer), stderr: '' };
    };
    return { run, seen };
  };

  it('sends only per-namespace ip batches, and returns the others and the skipped ones', async () => {
    const [a, b] = [batch('a', 'link set dev lo up\n'), batch('b', 'tuntap add dev t mode tap\n')];
    const f = fake({ skipped: [1], failed: null });
    const left = await viaNetlink(f.run, ['helper'], [a, other, b]);
    expect(left).toEqual([other, b]);
    expect(f.seen).toHaveLength(1);
    expect(JSON.parse(f.seen[0]!.input!)).toEqual({ batches: [{ netns: '/var/run/netns/a', text: a.input }, { netns: '/var/run/netns/b', text: b.input }] });
  });

  it('does not start the helper when there is nothing for it, or less than asked', async () => {
    const f = fake({ skipped: [], failed: null });
    expect(await viaNetlink(f.run, ['helper'], [other])).toEqual([other]);
    const two = [batch('a', 'link set dev lo up\n'), batch('b', 'link set dev lo up\n')];
    expect(await viaNetlink(f.run, ['helper'], two, 3)).toEqual(two);
    expect(f.seen).toHaveLength(0);
    expect(await viaNetlink(f.run, ['helper'], two, 2)).toEqual([]);
    expect(f.seen).toHaveLength(1);
  });

  it('names the command and the line of a refusal', async () => {
    const c = batch('b', 'link set dev lo up\naddr replace 10.0.0.1/24 dev eth9\n');
    const f = fake({ skipped: [], failed: { batch: 1, line: 2, message: 'Cannot find device "eth9"\nCommand failed -:2' } });
    const e = await viaNetlink(f.run, ['helper'], [batch('a', 'link set dev lo up\n'), c]).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).argv).toEqual(c.argv);
    expect((e as ToolError).stderr).toBe('Cannot find device "eth9"\nCommand failed -:2\n(line 2 of its input: addr replace 10.0.0.1/24 dev eth9)');
  });

  it('is off with VNETMAP_NETLINK=0', () => {
    expect(netlinkHelper({ VNETMAP_NETLINK: '0' })).toBeUndefined();
  });
});
