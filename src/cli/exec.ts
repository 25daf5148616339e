// vnetmap exec LAB NODE [--] CMD...: run a command in a node's namespace; its exit code is ours.
// vnetmap exec LAB --nodes 'pc*' [--] CMD...: on every matching node at once, each line of
// output prefixed with its node; the exit code is the worst of theirs.
import type { Command } from 'commander';
import { nodeNamespace, nodesMatching } from '../apply/exec.js';
import { checkedLab } from '../apply/state.js';
import { mapPool } from '../exec/pool.js';
import { runInteractive } from '../exec/interactive.js';
import { inNetns } from '../exec/netns.js';
import { runPrefixed } from '../exec/prefixed.js';
import { UserError } from '../errors.js';

/** Commands run side by side with --nodes (each is a process; a lab can have thousands of nodes). */
const AT_ONCE = 16;

export function register(program: Command): void {
  program
    .command('exec')
    .description('run a command inside a node of a running lab (stdio and exit code pass through), or on many nodes at once with --nodes')
    .argument('<lab>', 'lab name')
    .argument('[node]', 'node name from the design (leave it out with --nodes)')
    .argument('[command...]', 'command and arguments ("--" before them is optional: options after the node belong to the command)')
    .option('--nodes <pattern>', 'run on every node matching this pattern (* and ?), in parallel, output prefixed by node')
    // Everything after the node is the user's command, options included (exec lab pc1 ping -c 1 x).
    .passThroughOptions()
    .action(async (lab: string, first: string | undefined, more: string[], opts: { nodes?: string }) => {
      checkedLab(lab);
      // Options after LAB reach us as arguments (they may belong to the command): --nodes is ours there too.
      let node = first;
      let rest = more;
      if (opts.nodes === undefined && (node === '--nodes' || node?.startsWith('--nodes='))) {
        opts.nodes = node === '--nodes' ? rest[0] : node.slice('--nodes='.length);
        node = undefined;
        rest = first === '--nodes' ? rest.slice(1) : rest;
        if (!opts.nodes) throw new UserError('--nodes needs a pattern, e.g. --nodes "pc*".');
      }
      if (node === '--') [node, rest] = [rest[0], rest.slice(1)];
      if (rest[0] === '--') rest = rest.slice(1);
      if (opts.nodes === undefined) {
        if (node === undefined || !rest.length) throw new UserError('no command given; usage: vnetmap exec LAB NODE COMMAND [ARGS...] (or --nodes PATTERN COMMAND ...)');
        process.exitCode = await runInteractive(inNetns(nodeNamespace(lab, node), rest));
        return;
      }
      const argv = node === undefined ? rest : [node, ...rest];
      if (!argv.length) throw new UserError('no command given; usage: vnetmap exec LAB --nodes PATTERN COMMAND [ARGS...]');
      const nodes = nodesMatching(lab, opts.nodes);
      const width = Math.max(...nodes.map((n) => n.length));
      const codes = await mapPool(nodes, AT_ONCE, async (n) => (await runPrefixed(inNetns(nodeNamespace(lab, n), argv), `${n.padEnd(width)} | `)).code);
      process.exitCode = Math.max(0, ...codes);
    });
}
