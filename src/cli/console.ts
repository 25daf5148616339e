// vnetmap console LAB: a prompt for working in a running lab, as Mininet's CLI is — `pc1 ping
// pc2`, `pingall`, `trace pc1 pc2`, `nodes`, `links`, `capture pc1`, `link sw1:p1 down` — with
// completion of node names. Lines come from the terminal, from `-c` or from a piped script.
// Commands in nodes run with the terminal attached (Ctrl-C stops the command, not the console).
import { createInterface, type Interface } from 'node:readline';
import type { Command } from 'commander';
import { labNodes, nodeNamespace } from '../apply/exec.js';
import { cliPath } from '../apply/design.js';
import { checkedLab, readState, type LabState } from '../apply/state.js';
import { UserError } from '../errors.js';
import { runInteractive } from '../exec/interactive.js';
import { inNetns } from '../exec/netns.js';
import { loadOrThrow } from './expect.js';
import { CONSOLE_COMMANDS, completeConsole, parseConsoleLine, type ConsoleLab } from './console-line.js';

export function register(program: Command): void {
  program
    .command('console')
    .description('a prompt in a running lab: "pc1 ping pc2", pingall, trace, nodes, links, capture, link … down, with node-name completion')
    .argument('<lab>', 'lab name')
    .option('-c, --command <line...>', 'run these lines and leave (exit code: the last one that failed, else 0)')
    .action(async (lab: string, opts: { command?: string[] }) => {
      process.exitCode = await consoleLoop(checkedLab(lab), opts.command);
    });
}

function labOf(lab: string): { st: LabState; view: ConsoleLab } {
  const st = readState(lab);
  if (!st) throw new UserError(`lab "${lab}" is not running; start it with "vnetmap up" first.`);
  const addresses = new Map<string, string>();
  for (const e of st.plan.endpoints) if (e.addresses[0] && !addresses.has(e.node)) addresses.set(e.node, e.addresses[0].replace(/\/\d+$/, ''));
  return { st, view: { lab, nodes: labNodes(lab), address: (n) => addresses.get(n) } };
}

async function consoleLoop(lab: string, lines: string[] | undefined): Promise<number> {
  const { st, view } = labOf(lab);
  const interactive = !lines && process.stdin.isTTY === true;
  let status = 0;
  const run = async (line: string, rl?: Interface): Promise<boolean> => {
    const a = parseConsoleLine(line, view);
    const child = async (argv: string[]): Promise<number> => {
      // The command owns the terminal until it ends; Ctrl-C reaches it (same process group),
      // and the console only waits.
      rl?.pause();
      if (interactive) process.stdin.setRawMode(false);
      const ignore = () => undefined;
      process.on('SIGINT', ignore);
      try {
        return await runInteractive(argv);
      } finally {
        process.off('SIGINT', ignore);
        if (interactive) process.stdin.setRawMode(true);
        rl?.resume();
      }
    };
    let code = 0;
    switch (a.kind) {
      case 'none':
        break;
      case 'exit':
        return false;
      case 'help':
        process.stdout.write(CONSOLE_COMMANDS.map(([c, what]) => `  ${c.padEnd(38)} ${what}`).join('\n') + '\n');
        break;
      case 'nodes':
        process.stdout.write(nodesText(st, view) + '\n');
        break;
      case 'links':
        process.stdout.write(linksText(st) + '\n');
        break;
      case 'error':
        process.stderr.write(`${a.message}\n`);
        code = 2;
        break;
      case 'exec':
        code = await child(inNetns(nodeNamespace(lab, a.node), a.argv));
        break;
      case 'vnetmap':
        code = await child([process.execPath, cliPath(), ...a.argv]);
        break;
    }
    if (code !== 0) status = code;
    return true;
  };
  if (lines) {
    for (const l of lines) if (!(await run(l))) break;
    return status;
  }
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive, ...(interactive ? { completer: (line: string) => completeConsole(line, view) } : {}) });
  if (interactive) process.stdout.write(`vnetmap console for lab ${lab} (${view.nodes.length} nodes); "help" lists the commands, Ctrl-D leaves\n`);
  rl.setPrompt(`vnetmap(${lab})> `);
  if (interactive) rl.prompt();
  // Ctrl-C at the prompt clears the line, as a shell does.
  rl.on('SIGINT', () => {
    process.stdout.write('^C\n');
    rl.write(null, { ctrl: true, name: 'u' });
    rl.prompt();
  });
  for await (const line of rl) {
    if (!(await run(line, rl))) break;
    if (interactive) rl.prompt();
  }
  rl.close();
  return status;
}

function nodesText(st: LabState, view: ConsoleLab): string {
  return view.nodes
    .map((n) => {
      const eps = st.plan.endpoints.filter((e) => e.node === n);
      const addrs = eps.flatMap((e) => e.addresses.map((x) => `${e.dev} ${x}`));
      let ns = '';
      try {
        ns = nodeNamespace(st.lab, n);
      } catch {
        ns = '-';
      }
      return `  ${n.padEnd(16)} ${ns.padEnd(28)} ${addrs.join(', ') || '(no address)'}`;
    })
    .join('\n');
}

function linksText(st: LabState): string {
  try {
    const design = loadOrThrow(st.designFile);
    return design.links.map((l) => `  ${String(l.index).padStart(3)}  ${l.ends[0].node}:${l.ends[0].port} — ${l.ends[1].node}:${l.ends[1].port}${l.label ? `  (${l.label})` : ''}`).join('\n');
  } catch (e) {
    return `the lab's design (${st.designFile}) cannot be read: ${e instanceof Error ? e.message : String(e)}`;
  }
}
