// Entering a named network namespace, two ways.
//
// vnetmap's own commands use `nsenter --net=/var/run/netns/NS`, which switches only the
// network stack. `ip -n NS` and `ip netns exec NS` also unshare the mount namespace and remount
// /sys, and that copies every mount of the host, one per named namespace: with 2,000 namespaces
// it costs ~9 ms per process, so setting up (and probing, and tearing down) a lab grew with the
// square of its size. Nothing vnetmap runs needs the namespace's /sys or /etc/netns files: ip,
// bridge, nft, ss and fping speak netlink or sockets, and sysctl writes /proc/sys/net, which
// follows the caller's network namespace.
//
// Users' commands (`vnetmap exec`, `shell`) go through `ip netns exec`, which also bind-mounts
// /etc/netns/NS/hosts so that node names resolve.

/** Where iproute2 keeps named namespaces (its NETNS_RUN_DIR). */
export const NETNS_RUN_DIR = '/var/run/netns';

/** The file of a named namespace. */
export const netnsFile = (ns: string): string => `${NETNS_RUN_DIR}/${ns}`;

/** argv prefix running a program of ours in a namespace's network stack. */
export const enterNs = (ns: string): string[] => ['nsenter', `--net=${netnsFile(ns)}`, '--'];

/** The inverse of enterNs: the namespace file argv enters (any `nsenter --net=FILE --`), and the program argv after it. */
export function enteredNs(argv: readonly string[]): { netns: string; rest: readonly string[] } | undefined {
  const [cmd, net, sep] = argv;
  return cmd === 'nsenter' && net?.startsWith('--net=') && sep === '--' ? { netns: net.slice('--net='.length), rest: argv.slice(3) } : undefined;
}

/** argv running a user's command inside a named namespace, with its /etc/netns files. */
export const inNetns = (ns: string, argv: readonly string[]): string[] => ['ip', 'netns', 'exec', ns, ...argv];
