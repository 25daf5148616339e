// vnetmap chassis join|leave|status: this machine as a chassis of an OVN lab spread over an
// inventory of machines (docs/ovn-inventory.md). `vnetmap up DESIGN --engine ovn --inventory
// FILE` on the central machine prints the join command each machine runs.
import { Option, type Command } from 'commander';
import { note } from '../exec/verbosity.js';
import { ProcessRunner } from '../exec/runner.js';
import { requireRoot } from '../apply/root.js';
import { checkLabName } from '../apply/design.js';
import { joinChassis, type JoinOptions } from '../engines/ovn/chassis/join.js';
import { execFailure } from '../apply/workloads.js';
import { leaveChassis } from '../engines/ovn/chassis/leave.js';
import { memberStatus, formatMemberStatus } from '../engines/ovn/chassis/status.js';

type JoinOpts = Pick<JoinOptions, 'central' | 'lab' | 'name' | 'encapIp' | 'encapDev' | 'datapath'> & { timeout?: string; json?: boolean };

export function register(program: Command): void {
  const chassis = program.command('chassis').description('this machine as a chassis of an OVN lab over an inventory of machines (join, leave, status)');
  chassis
    .command('join')
    .description("join an inventory lab as chassis NAME: fetch this machine's part from the central, make its workloads' namespaces, start a private Open vSwitch and ovn-controller, wait until its ports are up")
    .requiredOption('--central <addr[:port]>', "the central's address (and Northbound port, default 6641), as the inventory gives it")
    .requiredOption('--lab <name>', 'the lab')
    .requiredOption('--name <name>', "this machine's name in the inventory")
    .option('--encap-ip <ip>', "this machine's tunnel address, if not the inventory's")
    .option('--encap-dev <dev>', "userspace datapath (no openvswitch module): the underlay device holding the tunnel address; it moves to the lab's tunnel bridge (vn<id>-phy) until leave")
    .addOption(new Option('--datapath <d>', 'Open vSwitch datapath (default: system where the openvswitch module is loaded and no other Open vSwitch uses it, else netdev)').choices(['system', 'netdev']))
    .option('--timeout <seconds>', 'how long to wait for the central and for this machine\'s ports (default 120)')
    .option('--json', 'print a JSON summary')
    .action(async (o: JoinOpts) => {
      requireRoot('joining a lab ("vnetmap chassis join")');
      const timeout = o.timeout === undefined ? undefined : Number(o.timeout) * 1000;
      const r = await joinChassis(new ProcessRunner(), {
        central: o.central,
        lab: checkLabName(o.lab),
        name: o.name,
        ...(o.encapIp ? { encapIp: o.encapIp } : {}),
        ...(o.encapDev ? { encapDev: o.encapDev } : {}),
        ...(o.datapath ? { datapath: o.datapath } : {}),
        ...(timeout !== undefined && Number.isFinite(timeout) && timeout > 0 ? { timeoutMs: timeout } : {}),
        onProgress: (m) => !o.json && note(`vnetmap: ${m}`),
      });
      if (o.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      const what = r.action === 'unchanged' ? 'is already a chassis of' : r.action === 'rejoined' ? 'joined again' : 'joined';
      process.stdout.write(`${r.name} ${what} lab ${r.lab} (${r.datapath} datapath): ${r.nodes.length} nodes (${r.nodes.join(', ') || 'none'}), ${r.ports} ports up ${r.portsMs} ms after its daemons started; ${r.ms} ms in all\n  leave with: vnetmap chassis leave --lab ${r.lab}\n`);
      const failed = r.exec.filter((x) => x.code !== 0);
      if (r.exec.length) process.stdout.write(`  exec: ${r.exec.length - failed.length} of ${r.exec.length} command(s) succeeded\n`);
      for (const x of failed) process.stderr.write(`vnetmap: ${execFailure(x)}\n`);
      if (failed.length) process.exitCode = 1;
    });
  chassis
    .command('leave')
    .description("remove this machine's part of a lab: its daemons, its chassis in the Southbound, its workloads' namespaces, its files")
    .requiredOption('--lab <name>', 'the lab')
    .option('--json', 'print a JSON summary')
    .action(async (o: { lab: string; json?: boolean }) => {
      requireRoot('leaving a lab ("vnetmap chassis leave")');
      const r = await leaveChassis(checkLabName(o.lab), new ProcessRunner());
      if (o.json) return void process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      process.stdout.write(r.name ? `${r.name} left lab ${r.lab}: ${r.daemons} daemons, ${r.namespaces} namespaces removed (${r.ms} ms)\n` : `lab ${r.lab}: this machine is no chassis of it; nothing to remove\n`);
    });
  chassis
    .command('status')
    .description("this machine's part of a lab: its daemons, namespaces and ports")
    .requiredOption('--lab <name>', 'the lab')
    .option('--json', 'print a JSON summary')
    .action(async (o: { lab: string; json?: boolean }) => {
      const s = await memberStatus(checkLabName(o.lab));
      process.stdout.write(o.json ? JSON.stringify(s, null, 2) + '\n' : formatMemberStatus(s) + '\n');
      if (!s.healthy) process.exitCode = 1;
    });
}
