// Run a command inside a node of a running lab, found through the lab's state.
import { UserError } from '../errors.js';
import { inNetns } from '../exec/netns.js';
import type { Runner, RunOptions, RunResult } from '../exec/runner.js';
import { readState, type LabState } from './state.js';

function stateOf(lab: string): LabState {
  const st = readState(lab);
  if (!st) throw new UserError(`lab "${lab}" is not running (no state under /run/vnetmap/${lab}); start it with "vnetmap up".`);
  return st;
}

/** The design nodes of a running lab that have a namespace to run commands in, sorted. */
export function labNodes(lab: string): string[] {
  const st = stateOf(lab);
  return [...new Set([...st.plan.objects.flatMap((o) => (o.kind === 'netns' && o.node ? [o.node] : [])), ...st.plan.endpoints.map((e) => e.node)])].sort();
}

/** The namespace of a node: its own, or the one an endpoint of it lives in (compact strategy). */
export function nodeNamespace(lab: string, node: string): string {
  const st = stateOf(lab);
  const own = st.plan.objects.find((o) => o.kind === 'netns' && o.node === node);
  if (own && own.kind === 'netns') return own.name;
  const ep = st.plan.endpoints.find((e) => e.node === node);
  if (ep) return ep.namespace;
  throw new UserError(`lab "${lab}" has no node ${JSON.stringify(node)}; nodes: ${labNodes(lab).join(', ')}.`);
}

/** The nodes of a lab a shell-style pattern (* and ?) matches, e.g. "pc*"; a UserError when none does. */
export function nodesMatching(lab: string, pattern: string): string[] {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  const nodes = labNodes(lab).filter((n) => re.test(n));
  if (!nodes.length) throw new UserError(`no node of lab "${lab}" matches ${JSON.stringify(pattern)}; nodes: ${labNodes(lab).join(', ')}.`);
  return nodes;
}

export function execInNode(lab: string, node: string, argv: readonly string[], runner: Runner, opts: RunOptions = {}): Promise<RunResult> {
  if (!argv.length) throw new UserError('no command given; usage: vnetmap exec LAB NODE -- COMMAND [ARGS...]');
  return runner.run(inNetns(nodeNamespace(lab, node), argv), opts);
}
