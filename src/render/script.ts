// Plan -> a standalone bash script (`script.sh up|down`) that builds the same twin with plain
// ip / bridge / nft / ovs-vsctl / ethtool / sysctl commands: for people who want to read, keep
// or adapt what vnetmap does, or run it where Node is not installed.
//
// The script runs as root, so no text of the design may ever become a command. Safe by
// construction, whatever validation lets through: every argument is single-quoted unless it is
// a plain word (shQuote); every comment is one line (comment); every standard input is a
// here-document whose quoted delimiter occurs in no line of its body (heredoc); the lab name,
// the only other design text, must match the lab-name rule or nothing is rendered.
// test/faults/script-injection.test.ts runs scripts with hostile designs and checks that they
// run exactly the plan's commands.
import { LAB_NAME_MAX, LAB_NAME_RE } from '../model/limits.js';
import { printable } from '../model/printable.js';
import type { Plan } from '../plan/types.js';
import { hostsHeader } from './hosts.js';
import { renderSteps } from './render.js';
import { enterNs, isFile, isSpawn, type Step } from './steps.js';
import { teardownFunction } from './teardown-sh.js';

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
export const shQuote = (s: string): string => (s !== '' && SAFE.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** A comment line: a line break or control character in the text becomes an escape, so the comment cannot end early. */
export const comment = (s: string): string => `# ${printable(s)}`;

/** A delimiter that no line of the body equals, so the body cannot end the here-document early. */
export function delimiterFor(body: string): string {
  const lines = new Set(body.split('\n'));
  let d = 'VNETMAP_EOF';
  for (let n = 1; lines.has(d); n++) d = `VNETMAP_EOF_${n}`;
  return d;
}

/** `cmd <<'DELIM'` with the body verbatim: no expansion happens inside a quoted here-document. */
function heredoc(cmd: string, input: string): string {
  const body = input.endsWith('\n') ? input : input + '\n';
  const d = delimiterFor(body);
  return `${cmd} <<'${d}'\n${body}${d}`;
}

const argv = (a: string[]): string => a.map(shQuote).join(' ');

/**
 * A hosts file is overwritten only when it is the lab's own (its first line is the header), as
 * `vnetmap up` does: someone else's file stops the script. Bash builtins only (read, [, echo).
 */
function guardHosts(lab: string, path: string): string {
  const p = shQuote(path);
  return `if [ -e ${p} ] && { IFS= read -r first < ${p} || true; [ "$first" != ${shQuote(hostsHeader(lab))} ]; }; then echo ${shQuote(`vnetmap ${lab}: ${printable(path)} was not written by vnetmap for this lab; move it away`)} >&2; exit 1; fi`;
}

export function stepText(lab: string, s: Step): string {
  if (isFile(s)) {
    const dir = s.path.slice(0, s.path.lastIndexOf('/'));
    const guard = s.phase === 'hosts' ? `\n${guardHosts(lab, s.path)}` : '';
    if (typeof s.content !== 'string') return `${comment(s.why)}\n${argv(['mkdir', '-p', dir])}${guard}\n${argv(['ln', '-f', s.content.sameAs, s.path])}`;
    // rm first: the file may be a hard link of another namespace's from an earlier run.
    const chmod = s.executable ? `\n${argv(['chmod', '755', s.path])}` : '';
    return `${comment(s.why)}\n${argv(['mkdir', '-p', dir])}${guard}\n${argv(['rm', '-f', s.path])}\n${heredoc(`cat > ${shQuote(s.path)}`, s.content)}${chmod}`;
  }
  if (isSpawn(s)) {
    // In a session of its own, in the background; `down` stops whatever runs in the lab's namespaces.
    const log = s.spawn.log;
    const clear = s.spawn.clear?.length ? `\n${argv(['rm', '-f', ...s.spawn.clear])}` : '';
    // A daemon others need is waited for (at most 10 s) until its ready path exists.
    const wait = s.spawn.ready ? `\nfor _ in $(seq 100); do [ -e ${shQuote(s.spawn.ready)} ] && break; sleep 0.1; done` : '';
    return `${comment(s.why)}\n${argv(['mkdir', '-p', log.slice(0, log.lastIndexOf('/'))])}${clear}\n${argv(['setsid', ...s.spawn.argv])} </dev/null >>${shQuote(log)} 2>&1 &${wait}`;
  }
  const cmd = s.input !== undefined ? heredoc(argv(s.argv), s.input) : argv(s.argv);
  return `${comment(s.why)}\n${cmd}`;
}

/** The nodes' exec: commands, once, after the rest: a failing one is said, the lab stays. */
export function execLines(plan: Plan): string[] {
  const execs = plan.objects.flatMap((o) => (o.kind === 'exec' ? [o] : []));
  if (!execs.length) return [];
  return [`echo "vnetmap ${plan.lab}: exec" >&2`, ...execs.map((o) => `${comment(`exec on ${o.node} (${o.realizes[0]})`)}\n${argv([...enterNs(o.namespace), ...o.argv])} || echo ${shQuote(`vnetmap ${plan.lab}: exec on ${o.node} (${o.realizes[0]}) failed`)} >&2`)];
}

export function renderScript(plan: Plan): string {
  const lab = plan.lab;
  // The messages below and the teardown name the lab unquoted (in strings, sed patterns,
  // paths): safe only for what the lab-name rule allows, letters, digits and dashes.
  if (!LAB_NAME_RE.test(lab) || lab.length > LAB_NAME_MAX) throw new Error(`lab name ${JSON.stringify(lab)} is not a valid lab name; refusing to render a script`);
  const say = (msg: string): string => `echo "vnetmap ${lab}: ${msg}" >&2`;
  const steps = renderSteps(plan);
  const ups: string[] = [];
  let phase = '';
  for (const s of steps) {
    if (s.phase !== phase) {
      phase = s.phase; // one of PHASES, plain words
      ups.push(say(phase));
    }
    ups.push(stepText(lab, s));
  }
  ups.push(...execLines(plan));
  return `#!/usr/bin/env bash
${comment(`Virtual twin of lab "${lab}" (strategy ${plan.strategy}), generated by vnetmap.`)}
# Usage: ${'$'}0 up|down     (as root; needs iproute2, nftables${plan.objects.some((o) => o.kind === 'ovs-bridge') ? ', openvswitch-switch, ethtool' : ''})
# Everything created carries the owner marker "vnetmap:${lab}" (lo alias of each namespace,
# alias of root-namespace links, external_ids:vnetmap-lab on OVS bridges); 'down' removes only
# objects with that marker. The same plan deployed with 'vnetmap up' is removed by either.
set -euo pipefail

up() {
  trap 'echo "vnetmap ${lab}: a command failed; run \\"$0 down\\" to remove what was created" >&2' ERR
${ups.join('\n')}
  ${say('up')}
}

${teardownFunction(lab)}

[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 2; }
case "${'$'}{1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: ${'$'}0 up|down" >&2; exit 2 ;;
esac
`;
}
