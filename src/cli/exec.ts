// vnetmap exec LAB NODE -- CMD...: run a command in a node's namespace; its exit code is ours.
import type { Command } from 'commander';
import { nodeNamespace } from '../apply/exec.js';
import { runInteractive } from '../exec/interactive.js';
import { inNetns } from '../exec/netns.js';
import { UserError } from '../errors.js';

export function register(program: Command): void {
  program
    .command('exec')
    .description('run a command inside a node of a running lab (stdio and exit code pass through)')
    .argument('<lab>', 'lab name')
    .argument('<node>', 'node name from the design')
    .argument('<command...>', 'command and arguments (put them after --)')
    .action(async (lab: string, node: string, argv: string[]) => {
      if (!argv.length) throw new UserError('no command given; usage: vnetmap exec LAB NODE -- COMMAND [ARGS...]');
      process.exitCode = await runInteractive(inNetns(nodeNamespace(lab, node), argv));
    });
}
