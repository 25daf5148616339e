// What a daemon of the twin listens on, read from what it runs: a socat relay's listening
// address and target from its argv (the twin's semantics from the twin itself, not the design),
// a workload's declared port from its plan object (whatever it runs, socat too).
import { parseIp } from '../model/ip.js';
import type { DaemonObj } from '../plan/types.js';
import type { NetService } from './services.js';

export function daemonService(o: DaemonObj): NetService | undefined {
  const name = o.name.slice(o.name.indexOf('.') + 1);
  // A workload first: it may run socat itself (`socat -u UDP-RECV:5353 -`), and is no relay.
  if (o.port) return { kind: 'process', name, protocol: o.port.protocol, port: o.port.port, realizes: o.realizes };
  if (o.argv[0] === 'socat') {
    const listen = o.argv.map((a) => /^(TCP|UDP)-LISTEN:(\d+)((?:,[^,]*)*)$/.exec(a)).find((m) => m);
    const target = o.argv.map((a) => /^(TCP|UDP):([\d.]+):(\d+)$/.exec(a)).find((m) => m);
    if (!listen || !target) return undefined;
    const bind = /,bind=([\d.]+)/.exec(listen[3] ?? '')?.[1];
    const addr = bind !== undefined ? parseIp(bind) : undefined;
    const to = parseIp(target[2]!);
    if (to === undefined) return undefined;
    const protocol = listen[1] === 'TCP' ? 'tcp' : 'udp';
    return { kind: protocol === 'tcp' ? 'tcp-proxy' : 'udp-proxy', name, protocol, ...(addr !== undefined ? { addr } : {}), port: Number(listen[2]), target: { addr: to, port: Number(target[3]) }, realizes: o.realizes };
  }
  return undefined;
}
