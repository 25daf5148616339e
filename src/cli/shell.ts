// vnetmap shell LAB NODE: an interactive shell inside a node's namespace (names resolve there
// through /etc/netns/<ns>/hosts).
import type { Command } from 'commander';
import { nodeNamespace } from '../apply/exec.js';
import { runInteractive } from '../exec/interactive.js';
import { inNetns } from '../exec/netns.js';

export function register(program: Command): void {
  program
    .command('shell')
    .description('start $SHELL (or /bin/bash) inside a node of a running lab')
    .argument('<lab>', 'lab name')
    .argument('<node>', 'node name from the design')
    .action(async (lab: string, node: string) => {
      const ns = nodeNamespace(lab, node);
      process.stderr.write(`vnetmap: shell in ${node} (${ns}); exit to leave\n`);
      process.exitCode = await runInteractive(inNetns(ns, [process.env.SHELL || '/bin/bash']));
    });
}
