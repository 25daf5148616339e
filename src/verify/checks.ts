// What a verify run produces (checks, skipped probes) and what its three phases share.
import type { DaemonIdentity } from '../apply/state.js';
import type { Runner } from '../exec/runner.js';
import type { EndpointLocation, Plan } from '../plan/types.js';
import type { Comparison } from '../semantics/compare.js';
import type { Endpoint } from '../semantics/net-model.js';

/** tcp and udp: a connection (or a UDP question) through the prober's listeners; dhcp: a lease; dns: a name asked. */
export type CheckKind = 'dhcp' | 'ping' | 'arp' | 'tcp' | 'udp' | 'dns' | 'route';

export interface Check {
  kind: CheckKind;
  from: string;
  to: string;
  expected: boolean;
  observed: boolean;
  ok: boolean;
  /**
   * Set on a failed check whose answer went missing while the kernel dropped frames at a full
   * input backlog (backlog.ts): the twin may be right, the host could not carry the probe.
   */
  inconclusive?: string;
  /** The probe could not be made (its source's interface is down, its namespace cannot be entered ...): why. The check fails. */
  error?: string;
  /**
   * Who answered, where that is not simply the target: another node that owns the same
   * address, a second MAC answering ARP, the source address or peer the target saw when it is
   * not the one the design implies. A check can fail on this alone.
   */
  detail?: string;
  /** Failed checks: the live objects that differ from the plan on this pair's path (diagnose.ts). */
  explanation?: string[];
}

export interface Skipped {
  kind: CheckKind;
  from: string;
  to: string;
  why: string;
}

/** An endpoint of the design with its place in the twin. */
export interface Live {
  ep: Endpoint;
  loc: EndpointLocation;
  /** Its address, as probes use it. */
  src: string;
  /** Position in the phase's list of endpoints. */
  index: number;
}

/** Spacing and patience of a second pass over doubtful probes, or undefined when there is none. */
export type SecondPass = (kind: string, lost: number) => { intervalUs: number } | undefined;

export interface PhaseContext {
  runner: Runner;
  plan: Plan;
  cmp: Comparison;
  live: Live[];
  /** Targets each source probes. */
  probe: Live[][];
  notes: string[];
  /** µs between two sends that each flood the largest broadcast domain (all sources together). */
  floodUs: number;
  /** µs of the kernel's time one such flood may take (only bounds the prober's runs). */
  floodCostUs: number;
  /** Every namespace of the twin, in a fixed order (probes refer to them by position). */
  spaces: string[];
  /** The design node a namespace stands for (its name when it stands for none). */
  nodeOf(ns: string): string;
  add(c: Check): void;
  skip(s: Skipped): void;
  /**
   * A first pass, then (where the host's dropped frames allow) a patient second one; resolves to
   * why a missing answer proves nothing (frames dropped during the last pass that ran).
   */
  twoPasses(kind: string, first: () => Promise<void>, again: (intervalUs: number) => Promise<void>): Promise<string | undefined>;
  progress(line: string): void;
  /** Set by the ping phase when it had to go in waves of the neighbour table: what comes after empties the caches it fills. */
  neighTight?: boolean;
  /** The lab's running daemons by name (its state), where the caller knows them: a workload's UDP socket must be its own. */
  daemons?: Record<string, DaemonIdentity>;
}

/** A check from its parts: ok unless observed differs, the probe failed, or `wrong` says what else differs. */
export function check(kind: CheckKind, from: string, to: string, expected: boolean, observed: boolean, extra: { error?: string; detail?: string; wrong?: boolean; doubt?: string | undefined } = {}): Check {
  const ok = !extra.error && !extra.wrong && expected === observed;
  return {
    kind,
    from,
    to,
    expected,
    observed,
    ok,
    ...(extra.doubt && !ok && expected && !observed && !extra.error ? { inconclusive: extra.doubt } : {}),
    ...(extra.error ? { error: extra.error } : {}),
    ...(extra.detail ? { detail: extra.detail } : {}),
  };
}
