// Impairments of a link end (`vnetmap link LAB A:p1 --rate/--delay/--loss/--jitter`) as tc
// argv: the only place that knows tc's syntax. netem does all four where the kernel has it
// (sch_netem); a kernel without it (ours, docs/MACHINE) still shapes the rate with tbf, and
// delay, loss and jitter are refused by name. Pure: which kernel it is, is the caller's probe.

/** What a link end is asked to suffer; absent fields: not impaired in that way. */
export interface Impairment {
  /** Rate in bit/s. */
  rate?: number;
  /** One-way delay added at this end, ms. */
  delayMs?: number;
  /** Jitter around the delay, ms (needs a delay). */
  jitterMs?: number;
  /** Loss, percent of packets (0-100). */
  lossPct?: number;
}

export const isEmpty = (i: Impairment): boolean => i.rate === undefined && i.delayMs === undefined && i.jitterMs === undefined && i.lossPct === undefined;
/** The parts only netem does. */
export const netemOnly = (i: Impairment): string[] => [...(i.delayMs !== undefined ? ['--delay'] : []), ...(i.jitterMs !== undefined ? ['--jitter'] : []), ...(i.lossPct !== undefined ? ['--loss'] : [])];

/** tc's rate unit for bit/s ("10mbit"). */
export function rateText(bps: number): string {
  for (const [unit, f] of [['gbit', 1e9], ['mbit', 1e6], ['kbit', 1e3]] as const) if (bps >= f && bps % f === 0) return `${bps / f}${unit}`;
  return `${bps}bit`;
}

/**
 * The qdisc of one device as tc arguments after "qdisc replace dev DEV root": netem when the
 * kernel has it (or any netem-only part is asked), else tbf for the rate. tbf's bucket holds
 * at least 10 ms of traffic and one 64 KiB GSO packet (a smaller one stalls veth's big
 * segments), its queue 50 ms: TCP over it settles at the rate instead of dropping in bursts.
 */
export function qdiscArgs(i: Impairment, netem: boolean): string[] {
  if (netem || netemOnly(i).length) {
    const out = ['netem'];
    if (i.delayMs !== undefined) out.push('delay', `${i.delayMs}ms`, ...(i.jitterMs !== undefined ? [`${i.jitterMs}ms`] : []));
    if (i.lossPct !== undefined) out.push('loss', `${i.lossPct}%`);
    if (i.rate !== undefined) out.push('rate', rateText(i.rate));
    return out;
  }
  const burst = Math.max(65536 * 2, Math.ceil(i.rate! / 8 / 100));
  return ['tbf', 'rate', rateText(i.rate!), 'burst', String(burst), 'latency', '50ms'];
}

/** argv (in the device's namespace) that impairs `dev`, and the one that lifts it. */
export const tcSet = (dev: string, i: Impairment, netem: boolean): string[] => ['tc', 'qdisc', 'replace', 'dev', dev, 'root', ...qdiscArgs(i, netem)];
export const tcClear = (dev: string): string[] => ['tc', 'qdisc', 'del', 'dev', dev, 'root'];

/** "10mbit, delay 20ms ±5ms, loss 1%" for status. */
export function impairmentText(i: Impairment): string {
  const parts: string[] = [];
  if (i.rate !== undefined) parts.push(`rate ${rateText(i.rate)}`);
  if (i.delayMs !== undefined) parts.push(`delay ${i.delayMs}ms${i.jitterMs !== undefined ? ` ±${i.jitterMs}ms` : ''}`);
  if (i.lossPct !== undefined) parts.push(`loss ${i.lossPct}%`);
  return parts.join(', ');
}

/** "10mbit", "1.5Gbit", "800kbit", "1000000" -> bit/s, or undefined. */
export function parseRate(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:bit|bps|b)?(?:\/s)?$/i.exec(s.trim());
  if (!m) return undefined;
  const f = { '': 1, k: 1e3, m: 1e6, g: 1e9 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const v = Math.round(Number(m[1]) * f);
  return v >= 8 ? v : undefined;
}

/** "20ms", "20", "1.5s" -> ms, or undefined. */
export function parseMs(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|us)?$/i.exec(s.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? 'ms').toLowerCase();
  return Number(m[1]) * (unit === 's' ? 1000 : unit === 'us' ? 0.001 : 1);
}
