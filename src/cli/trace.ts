// vnetmap trace FILE|LAB SRC DST [--tcp PORT | --udp PORT] [--strategy S]: follow one packet and its reply
// hop by hop, offline. A design file traces the real network (or, with --strategy, the twin
// that strategy would build); a lab name traces the twin that `up` built.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { readState } from '../apply/state.js';
import { UserError } from '../errors.js';
import { STRATEGIES, type Strategy } from '../model/limits.js';
import { PRESET_NAMES } from '../plan/capabilities.js';
import { compile } from '../plan/compile.js';
import type { Plan } from '../plan/types.js';
import type { Design } from '../model/types.js';
import { formatTrace, traceOffline } from '../semantics/trace.js';
import { loadOrThrow } from './expect.js';
import { resolveCapabilities } from './plan.js';

export function register(program: Command): void {
  program
    .command('trace')
    .description('follow a packet and its reply hop by hop through the design or the twin, offline')
    .argument('<design-or-lab>', 'design file (YAML) or the name of a running lab')
    .argument('<src>', 'source endpoint: node (pc1), node/interface (gw/lan) or address')
    .argument('<dst>', 'destination endpoint or address')
    .option('--tcp <port>', 'trace a TCP connection to this port instead of a ping')
    .option('--udp <port>', 'trace a UDP datagram to this port (and its reply) instead of a ping')
    .option('--strategy <strategy>', `with a design file: trace the twin this strategy builds (${STRATEGIES.join(', ')})`)
    .option('--capabilities <c>', `with --strategy: probe this kernel (default, as up does), or plan for a preset: ${PRESET_NAMES.join(', ')}`, 'probe')
    .option('--json', 'print JSON')
    .action(async (target: string, src: string, dst: string, opts: { tcp?: string; udp?: string; strategy?: string; capabilities: string; json?: boolean }) => {
      if (opts.tcp !== undefined && opts.udp !== undefined) throw new UserError('--tcp and --udp exclude each other: trace a TCP connection or a UDP datagram.');
      const portOf = (flag: string, v: string | undefined): number | undefined => {
        const p = v !== undefined ? Number(v) : undefined;
        if (p !== undefined && !(Number.isInteger(p) && p > 0 && p < 65536)) throw new UserError(`--${flag} ${v}: a port is a number from 1 to 65535.`);
        return p;
      };
      const tcpPort = portOf('tcp', opts.tcp);
      const udpPort = portOf('udp', opts.udp);
      const subject = await resolveSubject(target, opts.strategy, opts.capabilities);
      const t = traceOffline(subject, src, dst, tcpPort !== undefined ? { tcpPort } : udpPort !== undefined ? { udpPort } : {});
      process.stdout.write(opts.json ? JSON.stringify(t, null, 2) + '\n' : formatTrace(t) + '\n');
      process.exitCode = t.verdict === 'delivered' ? 0 : 1;
    });
}

async function resolveSubject(target: string, strategy: string | undefined, capabilities: string): Promise<Plan | Design> {
  if (!existsSync(target)) {
    const st = readState(target);
    if (!st) throw new UserError(`"${target}" is neither a design file nor a running lab; check the path, or run "vnetmap up" first.`);
    if (strategy !== undefined) throw new UserError(`--strategy applies to a design file; lab "${target}" was built with ${st.strategy}.`);
    return st.plan;
  }
  const d = loadOrThrow(target);
  if (strategy === undefined) return d;
  if (!(STRATEGIES as readonly string[]).includes(strategy)) throw new UserError(`unknown strategy "${strategy}"; use one of ${STRATEGIES.join(', ')}.`);
  return compile(d, { strategy: strategy as Strategy, capabilities: await resolveCapabilities(capabilities) });
}
