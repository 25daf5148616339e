// The vocabulary shared by apply/ and the bash script: a rendered plan is an ordered list of
// phases, each a list of commands (argv + optional stdin) or files to write. Rendering is pure;
// only src/apply runs these, through a Runner.
import { enterNs } from '../exec/netns.js';

/** Phases in the order they must run; the journal records the phase about to start. */
export const PHASES = ['netns', 'devices', 'links', 'vlans', 'macvlan', 'ovs', 'config', 'keys', 'bridge-vlans', 'offload', 'sysctl', 'nft', 'hosts', 'daemons'] as const;
export type Phase = (typeof PHASES)[number];

export interface CommandStep {
  phase: Phase;
  argv: string[];
  /** Text for the command's standard input (ip -batch -, nft -f -). */
  input?: string;
  /** One line for humans (a comment in the bash script, the progress line). */
  why: string;
  /**
   * Its failure is not an error: removals of what may already be gone (deleting one end of a
   * veth deletes the other). Run with `ip -force`, which goes on after a refused line; what
   * really stayed is seen when the lab is looked at again.
   */
  mayFail?: true;
}

export interface FileStep {
  phase: 'hosts' | 'daemons';
  path: string;
  /** The file's text, or the path of an identical file written before it (then a hard link). */
  content: string | { sameAs: string };
  /** A program (a DHCP client's hook script): written with mode 0755. */
  executable?: true;
  why: string;
}

/** Start a daemon (plan DaemonObj) in its namespace, in a session of its own, output to its log. */
export interface SpawnStep {
  phase: 'daemons';
  /**
   * ready: a path that exists once it serves; after: daemons that must be ready before it
   * starts (those started by the same run; the others run already). clear: files removed first.
   */
  spawn: { name: string; namespace: string | null; argv: string[]; log: string; clear?: string[]; ready?: string; after?: string[] };
  /** Started once the others of its phase run (a DHCP client needs its server listening). */
  late?: true;
  why: string;
}

export type Step = CommandStep | FileStep | SpawnStep;

export const isFile = (s: Step): s is FileStep => 'path' in s;
export const isSpawn = (s: Step): s is SpawnStep => 'spawn' in s;
export const isCommand = (s: Step): s is CommandStep => 'argv' in s;

export { NETNS_RUN_DIR, enterNs } from '../exec/netns.js';

/** `ip` argv for a namespace (null = the root namespace). */
export const ipIn = (ns: string | null, ...args: string[]): string[] => (ns === null ? ['ip', ...args] : [...enterNs(ns), 'ip', ...args]);

/** argv running one of our tools inside a namespace (null = as is, in the root namespace). */
export const execIn = (ns: string | null, argv: string[]): string[] => (ns === null ? argv : [...enterNs(ns), ...argv]);

/** Joins batch lines; `ip -batch` wants one command per line and a final newline. */
export const batch = (lines: string[]): string => lines.join('\n') + '\n';

export const hostsPath = (ns: string): string => `/etc/netns/${ns}/hosts`;
/** /etc/netns/<ns>/<file>: where `ip netns exec` finds the namespace's own hosts and resolv.conf. */
export const namesPath = (ns: string, file: 'hosts' | 'resolv.conf'): string => `/etc/netns/${ns}/${file}`;
