// vnetmap shell LAB NODE: an interactive shell inside a node's namespace (names resolve there
// through /etc/netns/<ns>/hosts), whose prompt names the lab and the node.
import { mkdirSync, writeFileSync } from 'node:fs';
import { note } from '../exec/verbosity.js';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { nodeNamespace } from '../apply/exec.js';
import { checkedLab, labDir } from '../apply/state.js';
import { runInteractive } from '../exec/interactive.js';
import { inNetns } from '../exec/netns.js';

export function register(program: Command): void {
  program
    .command('shell')
    .description('start $SHELL (or /bin/bash) inside a node of a running lab, its prompt naming the node')
    .argument('<lab>', 'lab name')
    .argument('<node>', 'node name from the design')
    .action(async (lab: string, node: string) => {
      const ns = nodeNamespace(checkedLab(lab), node);
      const shell = process.env.SHELL || '/bin/bash';
      const tag = `(${lab}:${node}) `;
      // bash reads ~/.bashrc after the environment, which usually sets PS1: give it an rc file
      // that reads the user's first, then puts the node in front of their prompt.
      let argv = [shell];
      if (basename(shell) === 'bash') {
        const rc = join(labDir(lab), 'shell.bashrc');
        mkdirSync(labDir(lab), { recursive: true });
        writeFileSync(rc, `[ -r ~/.bashrc ] && . ~/.bashrc\nPS1=${JSON.stringify(tag)}"$PS1"\n`);
        argv = [shell, '--rcfile', rc];
      }
      note(`vnetmap: shell in ${node} (${ns}); exit to leave`);
      process.exitCode = await runInteractive(inNetns(ns, argv), { ...process.env, VNETMAP_LAB: lab, VNETMAP_NODE: node, PS1: `${tag}${process.env.PS1 ?? '\\$ '}` });
    });
}
