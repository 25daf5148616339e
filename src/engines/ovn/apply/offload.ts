// TX checksum offload off on every workload's end of its veth (the userspace datapath needs
// whole checksums), from one helper process (libexec/tx-csum-off.py) instead of one
// `nsenter … ethtool -K DEV tx off` each: 18 s for 1,000 workloads on this loaded machine,
// most of it starting two programs per device. Where the helper cannot run (no
// /usr/bin/python3, or VNETMAP_NETLINK=0) the rendered ethtool commands run as they are.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ToolError } from '../../../errors.js';
import { enteredNs } from '../../../exec/netns.js';
import { runAll, type Runner } from '../../../exec/runner.js';
import { packageRoot } from '../../../package-root.js';
import type { CommandStep } from '../../../render/steps.js';

const PYTHON = '/usr/bin/python3';

export function txOffHelper(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const script = join(packageRoot(), 'libexec', 'tx-csum-off.py');
  return env.VNETMAP_NETLINK !== '0' && existsSync(PYTHON) && existsSync(script) ? [PYTHON, '-I', '-S', script] : undefined;
}

/** The namespace file and device of `nsenter --net=FILE -- ethtool -K DEV tx off`. */
function parse(s: CommandStep): { netns: string; dev: string } | undefined {
  const e = enteredNs(s.argv);
  const [tool, k, dev, what, off] = e?.rest ?? [];
  return e && tool === 'ethtool' && k === '-K' && what === 'tx' && off === 'off' && dev ? { netns: e.netns, dev } : undefined;
}

export async function txOffAll(runner: Runner, steps: CommandStep[]): Promise<void> {
  const helper = txOffHelper();
  const devices = steps.map(parse);
  if (!helper || devices.some((d) => !d)) return runAll(runner, steps.map((s) => ({ argv: s.argv })), 4);
  const r = await runner.run(helper, { input: JSON.stringify({ devices }), timeoutMs: Math.max(60_000, steps.length * 50) });
  const out = JSON.parse(r.stdout) as { failed: { index: number; message: string } | null };
  if (out.failed) throw new ToolError(steps[out.failed.index]!.argv, 1, out.failed.message);
}
