// vnetmap capture LAB WHERE [-w FILE] [-c N] [FILTER...]: packets on a device of the twin, live
// and decoded on the terminal, or written to a pcap file Wireshark opens. WHERE is a node (its
// first interface), NODE:IFACE (an interface, or a switch's port), or link:N (the design's
// N-th cable, at its first end). tcpdump runs inside the device's namespace and dies with us;
// Ctrl-C stops it cleanly (it prints its counts and closes the file).
import type { Command } from 'commander';
import { nodeNamespace } from '../apply/exec.js';
import { checkedLab, readState } from '../apply/state.js';
import { UserError } from '../errors.js';
import { runInteractive } from '../exec/interactive.js';
import { inNetns } from '../exec/netns.js';
import { dieWithParent } from '../exec/parent-death.js';
import type { Netns, Plan } from '../plan/types.js';
import { devicesIn, indexByNamespace, inNs } from '../render/index-ns.js';
import { note } from '../exec/verbosity.js';

interface Place {
  namespace: Netns;
  dev: string;
  what: string;
}

/** The device a capture of `where` listens on. */
export function capturePlace(lab: string, plan: Plan, where: string): Place {
  const link = /^link:(\d+)$/.exec(where);
  if (link) {
    const ref = `link:${link[1]}`;
    for (const o of plan.objects) {
      if (o.kind === 'veth' && o.realizes.includes(ref)) return { namespace: o.a.namespace, dev: o.a.name, what: `${ref} at ${o.a.namespace ?? 'the root namespace'}/${o.a.name}` };
    }
    throw new UserError(`the twin has no device for ${ref} (the strategy may have folded that cable into a bridge); capture at a node instead: NODE or NODE:IFACE.`);
  }
  const [node, iface] = where.split(':', 2) as [string, string | undefined];
  const ns = nodeNamespace(lab, node);
  const idx = indexByNamespace(plan);
  const devs = [...inNs(idx, ns, 'bridge').map((b) => b.name), ...devicesIn(idx, ns).map((d) => d.name)];
  if (iface === undefined) {
    const ep = plan.endpoints.find((e) => e.node === node);
    if (ep) return { namespace: ep.namespace, dev: ep.dev, what: `${node}/${ep.dev}` };
    return { namespace: ns, dev: 'any', what: `every device of ${node}` };
  }
  if (!devs.includes(iface)) throw new UserError(`${node} has no device ${JSON.stringify(iface)} in the twin; its devices: ${devs.join(', ') || 'none'}.`);
  return { namespace: ns, dev: iface, what: `${node}/${iface}` };
}

export function register(program: Command): void {
  program
    .command('capture')
    .description('capture packets on a device of a running lab: live on the terminal, or to a pcap file (-w) for Wireshark')
    .argument('<lab>', 'lab name')
    .argument('<where>', 'NODE (its first interface), NODE:IFACE (an interface or switch port), or link:N (the N-th cable of the design)')
    .argument('[filter...]', 'a tcpdump filter, e.g. icmp, or tcp port 80')
    .option('-w, --write <file>', 'write a pcap file instead of decoding on the terminal')
    .option('-c, --count <n>', 'stop after n packets')
    .action(async (lab: string, where: string, filter: string[], opts: { write?: string; count?: string }) => {
      const st = readState(checkedLab(lab));
      if (!st) throw new UserError(`no running lab "${lab}"; build it with "vnetmap up FILE" first.`);
      const at = capturePlace(lab, st.plan, where);
      if (opts.count !== undefined && !/^[1-9]\d*$/.test(opts.count)) throw new UserError(`--count ${opts.count}: use a whole number of packets, 1 or more.`);
      const tcpdump = ['tcpdump', '-i', at.dev, '-n', ...(opts.write ? ['-U', '-w', opts.write] : ['-l']), ...(opts.count ? ['-c', opts.count] : []), ...filter];
      note(`vnetmap: capturing on ${at.what}${opts.write ? `, writing ${opts.write}` : ''} (Ctrl-C to stop)`);
      // Ctrl-C reaches tcpdump too (same terminal): let it finish its file and counts, then end with its code.
      const ignore = (): void => {};
      process.on('SIGINT', ignore);
      try {
        process.exitCode = await runInteractive(dieWithParent(at.namespace === null ? tcpdump : inNetns(at.namespace, tcpdump)));
      } finally {
        process.off('SIGINT', ignore);
      }
    });
}
