// What one line typed at `vnetmap console` asks for (pure: console.ts carries it out).
// As in Mininet: `pc1 ping pc2` runs `ping` in pc1 with pc2 replaced by its address; the lab
// commands (`pingall`, `trace`, `capture`, `link`, `status`, `verify`) are vnetmap's own
// subcommands for this lab, so they behave exactly as on the command line.

import { splitWords } from '../model/resolve-services.js';

export interface ConsoleLab {
  lab: string;
  nodes: string[];
  /** A node's first address (what `pc2` stands for in `pc1 ping pc2`). */
  address(node: string): string | undefined;
}

export type ConsoleAction =
  | { kind: 'none' }
  | { kind: 'help' }
  | { kind: 'exit' }
  | { kind: 'nodes' }
  | { kind: 'links' }
  | { kind: 'exec'; node: string; argv: string[] }
  | { kind: 'vnetmap'; argv: string[] }
  | { kind: 'error'; message: string };

/** The console's own words, with what they do (help, and completion of the first word). */
export const CONSOLE_COMMANDS: [string, string][] = [
  ['NODE CMD [ARGS]', 'run CMD in NODE; a node name among ARGS stands for its first address (pc1 ping -c 1 pc2)'],
  ['nodes', 'the nodes, their namespaces and addresses'],
  ['links', "the design's cables"],
  ['pingall', 'ping every pair that can answer, against the design (vnetmap verify LAB --only ping)'],
  ['trace SRC DST [--tcp PORT | --udp PORT]', 'follow a packet hop by hop through the twin, offline'],
  ['capture NODE[:IFACE] [-c N] [-w FILE]', 'decoded packets, or a pcap; Ctrl-C stops it'],
  ['link A:PORT down|up', 'take a cable down or up (vnetmap link)'],
  ['status', 'the lab and anything that drifted from its plan'],
  ['verify [OPTIONS]', 'prove the twin against the design'],
  ['help', 'this list'],
  ['exit', 'leave (or Ctrl-D)'],
];

// Words of a line as a shell splits them (quotes, backslashes), with nothing expanded: the same
// rule as a design's exec: and process commands.
export { splitWords };

const LAB_COMMANDS: Record<string, (lab: string, rest: string[]) => string[]> = {
  pingall: (lab, rest) => ['verify', lab, '--only', 'ping', ...rest],
  trace: (lab, rest) => ['trace', lab, ...rest],
  capture: (lab, rest) => ['capture', lab, ...rest],
  link: (lab, rest) => ['link', lab, ...rest],
  status: (lab, rest) => ['status', lab, ...rest],
  verify: (lab, rest) => ['verify', lab, ...rest],
};

export function parseConsoleLine(line: string, lab: ConsoleLab): ConsoleAction {
  const words = splitWords(line.replace(/^\s*#.*$/, ''));
  if (!words) return { kind: 'error', message: 'a quote is left open: close it' };
  const [first, ...rest] = words;
  if (first === undefined) return { kind: 'none' };
  if (first === 'help' || first === '?') return { kind: 'help' };
  if (first === 'exit' || first === 'quit') return { kind: 'exit' };
  if (first === 'nodes' && !rest.length) return { kind: 'nodes' };
  if (first === 'links' && !rest.length) return { kind: 'links' };
  const labCommand = LAB_COMMANDS[first];
  if (labCommand && !lab.nodes.includes(first)) return { kind: 'vnetmap', argv: labCommand(lab.lab, rest) };
  if (lab.nodes.includes(first)) {
    if (!rest.length) return { kind: 'error', message: `${first}: what should it run? e.g. "${first} ip addr"` };
    return { kind: 'exec', node: first, argv: rest.map((w, i) => (i > 0 && lab.nodes.includes(w) ? (lab.address(w) ?? w) : w)) };
  }
  return { kind: 'error', message: `"${first}" is neither a node of ${lab.lab} nor a console command; "help" lists them, "nodes" the nodes` };
}

/** Completions of the line's last word: commands and nodes first, then nodes and words of the command. */
export function completeConsole(line: string, lab: ConsoleLab): [string[], string] {
  const words = line.split(/\s+/);
  const last = words[words.length - 1] ?? '';
  const first = words.length === 1;
  const pool = first
    ? [...lab.nodes, ...CONSOLE_COMMANDS.map(([c]) => c.split(' ')[0]!).filter((c) => /^[a-z]+$/.test(c))]
    : words[0] === 'link'
      ? ['down', 'up', ...lab.nodes]
      : [...lab.nodes, ...(lab.nodes.includes(words[0]!) && words.length === 2 ? ['ping', 'ip', 'ss', 'tcpdump', 'traceroute', 'nft', 'curl', 'nc'] : [])];
  const hits = [...new Set(pool)].filter((w) => w.startsWith(last)).sort();
  return [hits, last];
}
