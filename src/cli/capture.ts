// vnetmap capture LAB WHERE [-w FILE] [-c N] [FILTER...]: packets on a device of the twin, live
// and decoded on the terminal, or written to a pcap file Wireshark opens. WHERE is a node (its
// first interface), NODE:IFACE (an interface, or a switch's port), or link:N (the design's
// N-th cable, at its first end). tcpdump runs inside the device's namespace and dies with us;
// Ctrl-C stops it cleanly (it prints its counts and closes the file).
import type { Command } from 'commander';
import { capturePlace } from '../apply/capture-place.js';
import { checkedLab, readState } from '../apply/state.js';
import { UserError } from '../errors.js';
import { runInteractive } from '../exec/interactive.js';
import { inNetns } from '../exec/netns.js';
import { dieWithParent } from '../exec/parent-death.js';
import { note } from '../exec/verbosity.js';

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
