// vnetmap completion bash|zsh|fish: a completion script for the shell, made from the program's
// own commands and options (so it never falls behind them); lab and node names come from the
// running labs at the time of completion (vnetmap __complete labs | nodes LAB, hidden).
import type { Command } from 'commander';
import { labNodes } from '../apply/exec.js';
import { listLabs } from '../apply/state.js';
import { UserError } from '../errors.js';

/** What an argument of each command is, for completion. */
const ARGS: Record<string, ('file' | 'lab' | 'node' | 'lab-or-file')[]> = {
  validate: ['file'],
  plan: ['file'],
  expect: ['file'],
  draw: ['file'],
  up: ['file'],
  trace: ['lab-or-file'],
  capture: ['lab', 'node'],
  down: ['lab-or-file'],
  status: ['lab-or-file'],
  verify: ['lab'],
  exec: ['lab', 'node'],
  shell: ['lab', 'node'],
  console: ['lab'],
};

interface Shape {
  name: string;
  options: string[];
}

function shapes(program: Command): Shape[] {
  return program.commands
    .filter((c) => !c.name().startsWith('__'))
    .map((c) => ({ name: c.name(), options: c.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x)).concat('--help') }));
}

function bash(program: Command): string {
  const cmds = shapes(program);
  const optionCases = cmds.map((c) => `    ${c.name}) opts="${c.options.join(' ')}" ;;`).join('\n');
  const argCases = Object.entries(ARGS)
    .map(([cmd, kinds]) => `    ${cmd}) kinds="${kinds.join(' ')}" ;;`)
    .join('\n');
  return `# bash completion for vnetmap (vnetmap completion bash); zsh: vnetmap completion zsh
_vnetmap() {
  local cur cmd opts kinds kind n i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${cmds.map((c) => c.name).join(' ')} --help --version" -- "$cur")); return
  fi
  cmd="\${COMP_WORDS[1]}"
  opts=""; kinds=""
  case "$cmd" in
${optionCases}
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); return; fi
  case "$cmd" in
${argCases}
  esac
  # Which argument this is: words after the command that are not options.
  n=0
  for ((i = 2; i < COMP_CWORD; i++)); do [[ "\${COMP_WORDS[i]}" == -* ]] || n=$((n + 1)); done
  set -- $kinds
  [ "$n" -lt "$#" ] || return
  shift "$n"; kind="$1"
  case "$kind" in
    lab) COMPREPLY=($(compgen -W "$(vnetmap __complete labs 2>/dev/null)" -- "$cur")) ;;
    node)
      local lab=""
      for ((i = 2; i < COMP_CWORD; i++)); do [[ "\${COMP_WORDS[i]}" == -* ]] || { lab="\${COMP_WORDS[i]}"; break; }; done
      COMPREPLY=($(compgen -W "$(vnetmap __complete nodes "$lab" 2>/dev/null)" -- "$cur")) ;;
    lab-or-file) COMPREPLY=($(compgen -W "$(vnetmap __complete labs 2>/dev/null)" -- "$cur") $(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur")) ;;
    file) COMPREPLY=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur")) ;;
  esac
}
complete -F _vnetmap vnetmap
`;
}

function fish(program: Command): string {
  const cmds = shapes(program);
  const out = ['# fish completion for vnetmap (vnetmap completion fish | source)', 'complete -c vnetmap -f'];
  for (const c of cmds) out.push(`complete -c vnetmap -n __fish_use_subcommand -a ${c.name}`);
  for (const c of cmds) {
    for (const o of c.options) out.push(o.startsWith('--') ? `complete -c vnetmap -n '__fish_seen_subcommand_from ${c.name}' -l ${o.slice(2)}` : `complete -c vnetmap -n '__fish_seen_subcommand_from ${c.name}' -s ${o.slice(1)}`);
    const kinds = ARGS[c.name] ?? [];
    if (kinds.includes('lab') || kinds.includes('lab-or-file')) out.push(`complete -c vnetmap -n '__fish_seen_subcommand_from ${c.name}' -a '(vnetmap __complete labs 2>/dev/null)'`);
    if (kinds.includes('file') || kinds.includes('lab-or-file')) out.push(`complete -c vnetmap -n '__fish_seen_subcommand_from ${c.name}' -F`);
    if (kinds.includes('node')) out.push(`complete -c vnetmap -n '__fish_seen_subcommand_from ${c.name}; and test (count (commandline -opc)) -ge 3' -a '(vnetmap __complete nodes (commandline -opc)[3] 2>/dev/null)'`);
  }
  return out.join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('completion')
    .description('print a completion script for your shell: eval "$(vnetmap completion bash)", or zsh, or fish (vnetmap completion fish | source)')
    .argument('<shell>', 'bash | zsh | fish')
    .action((shell: string) => {
      if (shell === 'bash') process.stdout.write(bash(program));
      // zsh runs bash completion functions through bashcompinit.
      else if (shell === 'zsh') process.stdout.write(`autoload -U +X bashcompinit && bashcompinit\n${bash(program)}`);
      else if (shell === 'fish') process.stdout.write(fish(program));
      else throw new UserError(`no completion for ${JSON.stringify(shell)}; use bash, zsh or fish.`);
    });
  program
    .command('__complete', { hidden: true })
    .argument('<what>', 'labs | nodes')
    .argument('[lab]')
    .action((what: string, lab?: string) => {
      try {
        const names = what === 'labs' ? listLabs() : what === 'nodes' && lab ? labNodes(lab) : [];
        if (names.length) process.stdout.write(names.join('\n') + '\n');
      } catch {
        // completion never complains
      }
    });
}
