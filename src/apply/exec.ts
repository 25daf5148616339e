// Run a command inside a node of a running lab, found through the lab's state.
import { UserError } from '../errors.js';
import { inNetns } from '../exec/netns.js';
import type { Runner, RunOptions, RunResult } from '../exec/runner.js';
import { readState } from './state.js';

/** The namespace of a node: its own, or the one an endpoint of it lives in (compact strategy). */
export function nodeNamespace(lab: string, node: string): string {
  const st = readState(lab);
  if (!st) throw new UserError(`lab "${lab}" is not running (no state under /run/vnetmap/${lab}); start it with "vnetmap up".`);
  const own = st.plan.objects.find((o) => o.kind === 'netns' && o.node === node);
  if (own && own.kind === 'netns') return own.name;
  const ep = st.plan.endpoints.find((e) => e.node === node);
  if (ep) return ep.namespace;
  const nodes = [...new Set([...st.plan.objects.flatMap((o) => (o.kind === 'netns' && o.node ? [o.node] : [])), ...st.plan.endpoints.map((e) => e.node)])].sort();
  throw new UserError(`lab "${lab}" has no node "${node}"; nodes: ${nodes.join(', ')}.`);
}

export function execInNode(lab: string, node: string, argv: readonly string[], runner: Runner, opts: RunOptions = {}): Promise<RunResult> {
  if (!argv.length) throw new UserError('no command given; usage: vnetmap exec LAB NODE -- COMMAND [ARGS...]');
  return runner.run(inNetns(nodeNamespace(lab, node), argv), opts);
}
