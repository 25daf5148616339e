// The live probes, each one bounded in count and time, run inside the twin's namespaces
// through the Runner. Only addresses of the twin are ever probed.
import { inNetns, type Runner } from '../exec/runner.js';

/** Which of `targets` answer an ICMP echo (two tries, 400 ms each) from `src` in namespace `ns`. */
export async function pingMany(runner: Runner, ns: string, src: string, targets: string[]): Promise<Set<string>> {
  const uniq = [...new Set(targets)];
  if (!uniq.length) return new Set();
  // One fping per source namespace probes every target in parallel: -a lists the alive ones.
  const r = await runner.run(inNetns(ns, ['fping', '-a', '-r', '1', '-t', '400', '-B', '1', '-S', src, ...uniq]), { allowFail: true, timeoutMs: 15_000 });
  if (r.code === 127 || /command not found/.test(r.stderr)) return pingEach(runner, ns, src, uniq);
  return new Set(r.stdout.split('\n').map((l) => l.trim()).filter((l) => uniq.includes(l)));
}

/** Fallback without fping: one bounded ping per target. */
async function pingEach(runner: Runner, ns: string, src: string, targets: string[]): Promise<Set<string>> {
  const alive = new Set<string>();
  for (const t of targets) {
    const r = await runner.run(inNetns(ns, ['ping', '-c', '1', '-W', '1', '-I', src, t]), { allowFail: true, timeoutMs: 5_000 });
    if (r.code === 0) alive.add(t);
  }
  return alive;
}

/**
 * MAC addresses that answer an ARP request for `target` sent out of `dev` (one probe, 1 s).
 * The caller compares them with the target interface's MAC: Linux answers for any of its
 * addresses on any interface, so "someone answered" is not yet "the target is adjacent".
 */
export async function arpFrom(runner: Runner, ns: string, dev: string, src: string, target: string): Promise<string[]> {
  const r = await runner.run(inNetns(ns, ['arping', '-c', '1', '-w', '1', '-I', dev, '-s', src, target]), { allowFail: true, timeoutMs: 5_000 });
  if (r.code === 127 || /command not found/.test(r.stderr)) throw new Error('arping is not installed (Debian: iputils-arping); run scripts/setup.sh');
  return [...r.stdout.matchAll(/reply from \S+ \[([0-9A-Fa-f:]{17})\]/g)].map((m) => m[1]!.toLowerCase());
}

/** Device name -> MAC address for every link of a namespace. */
export async function macsOf(runner: Runner, ns: string): Promise<Map<string, string>> {
  const r = await runner.run(['ip', '-j', '-n', ns, 'link', 'show'], { allowFail: true, timeoutMs: 10_000 });
  if (r.code !== 0) return new Map();
  const links = JSON.parse(r.stdout || '[]') as { ifname: string; address?: string }[];
  return new Map(links.map((l) => [l.ifname, (l.address ?? '').toLowerCase()]));
}

export interface Listener {
  /** Resolves when the listener has exited (it lives for `lifetimeMs`). */
  done: Promise<unknown>;
}

/**
 * A TCP listener in `ns` on `port` that answers every connection with `token`, killed by the
 * Runner after `lifetimeMs` (socat runs as the exec'd process of `ip netns exec`, so the kill
 * reaches it). Returns once the port is listening, or undefined if it never did.
 */
export async function listen(runner: Runner, ns: string, port: number, token: string, lifetimeMs: number): Promise<Listener | undefined> {
  const done = runner.run(inNetns(ns, ['socat', `TCP-LISTEN:${port},reuseaddr,fork`, `EXEC:echo ${token}`]), { allowFail: true, timeoutMs: lifetimeMs });
  for (let k = 0; k < 40; k++) {
    const r = await runner.run(inNetns(ns, ['ss', '-Hltn', `sport = :${port}`]), { allowFail: true, timeoutMs: 5_000 });
    if (r.code === 0 && r.stdout.trim()) return { done };
    await new Promise((res) => setTimeout(res, 50));
  }
  return undefined;
}

/** Connect from `ns` (source address `src`) to addr:port; returns what the server sent. */
export async function connect(runner: Runner, ns: string, src: string, addr: string, port: number): Promise<string> {
  const r = await runner.run(inNetns(ns, ['socat', '-T', '2', 'STDIO', `TCP:${addr}:${port},connect-timeout=2,bind=${src}`]), { allowFail: true, timeoutMs: 6_000 });
  return r.code === 0 ? r.stdout.trim() : '';
}
