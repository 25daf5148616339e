// What the prober saw of a workload's UDP port (libexec/probe.py, udp_open), and what it proves.
// A UDP workload need not answer, so silence proves nothing, and that the client sent a datagram
// proves nothing either: a port counts as reached only where the server's namespace shows a
// datagram of this client DELIVERED TO A SOCKET bound to the port — read by the process (the
// namespace's Udp InDatagrams rose by more than every other UDP datagram that arrived there
// meanwhile could explain), queued on the port's socket (its receive queue grew, and no other
// datagram for the port arrived), dropped by that socket because it is full, or answered. The
// token on an AF_PACKET socket in the server's namespace says the client's datagrams arrived
// there (which device, which source address), before any of that is read. Where the numbers
// leave another explanation (other UDP traffic in the namespace, a broadcast several sockets
// may read, datagrams waiting from before), the verdict is `unclear` and the caller asks again.

/** A server's namespace before the probes: the sockets bound to the port that reach its address, and who holds them. */
export interface UdpServerSeen {
  error?: string;
  sockets?: { local: string; inode: number; holders: string[] }[];
}

/** One phase of one client: its datagrams that arrived in the server's namespace, and what came back to it. */
export interface UdpPhaseSeen {
  arrived: number;
  /** Source address and device they arrived with. */
  from?: string;
  dev?: string;
  replies?: number;
  replyFrom?: string;
  /** The last ICMP error the client got, in words ("ICMP port unreachable from 10.0.0.1"). */
  icmp?: string;
  /** A send the network refused at once (no route, an output firewall): the error. */
  sendError?: string;
}

/** A client's window: the arrival phase's numbers and the server namespace's counters around its own datagrams. */
export interface UdpWindowSeen extends UdpPhaseSeen {
  sent: number;
  /** Other UDP datagrams that arrived in the namespace meanwhile; for the port (or fragments); broadcast or multicast. */
  others: number;
  othersPort: number;
  othersMulti: number;
  /** Packets the watching socket lost (its buffer full): the count of other arrivals is short. */
  missed?: number;
  /**
   * Bytes waiting from before the window that may have been read in it: on the port's sockets and
   * on every socket whose queue changed (all sockets, where other datagrams arrived meanwhile).
   */
  stale: number;
  /** Moves of Udp InDatagrams (datagrams read), NoPorts, InErrors. */
  dIn: number;
  dNoPorts: number;
  dInErrors: number;
  /** Growth of the port's sockets' receive queues (bytes) and of their drop counts. */
  queueGrew: number;
  dDrops: number;
}

export interface UdpSendSeen {
  error?: string;
  arrival?: UdpPhaseSeen;
  window?: UdpWindowSeen;
}

/** `wrong`: reached, but the socket that took the datagrams is not the declared workload's. */
export type UdpVerdict = { reached: boolean; detail: string; wrong?: boolean } | { unclear: string } | { error: string };

/**
 * The declared workload as `up` started it (the lab's state), where known: `holds` says whether
 * it (or a child of it) holds a socket bound to the port.
 */
export interface UdpOwner {
  name: string;
  pid: number;
  running: boolean;
  holds: boolean;
}

/** What a client's probe of `node`'s udp/port proves. */
export function udpVerdict(server: UdpServerSeen, seen: UdpSendSeen, node: string, port: number, owner?: UdpOwner): UdpVerdict {
  const v = evidence(server, seen, node, port);
  if (!owner || !('reached' in v)) return v;
  if (!v.reached) return owner.running ? v : { reached: false, detail: `${v.detail}; the workload ${owner.name} (pid ${owner.pid}) is not running` };
  if (owner.holds) return v;
  const who = owner.running ? `not by the workload ${owner.name} (pid ${owner.pid}) or a child of it` : `while the workload ${owner.name} (pid ${owner.pid}) is not running`;
  return { reached: true, wrong: true, detail: `${v.detail}; but that socket is held ${who}` };
}

function evidence(server: UdpServerSeen, seen: UdpSendSeen, node: string, port: number): UdpVerdict {
  const err = seen.error ?? server.error;
  if (err) return { error: err };
  const sockets = server.sockets ?? [];
  const held = sockets.map((s) => `${s.local}${s.holders.length ? ` (${s.holders.map((h) => h.replace(/^(\d+) (.*)$/, '$2, pid $1')).join('; ')})` : ''}`).join(', ');
  const a = seen.arrival ?? { arrived: 0 };
  const w = seen.window;
  const nobody = `nothing listens on udp/${port} in ${node}`;
  if (!a.arrived || !w) {
    const why = a.sendError ? `the send failed: ${a.sendError}` : a.icmp ? a.icmp : 'no answer, no ICMP error: dropped on the way';
    return { reached: false, detail: `not reached: none of its datagrams arrived in ${node} (${why})${sockets.length ? '' : `; ${nobody} either`}` };
  }
  const got = `${w.arrived}/${w.sent} datagrams arrived in ${node} from ${w.from ?? '?'} on ${w.dev ?? '?'}`;
  if (!w.arrived) return { unclear: `its datagrams arrived in ${node} once, but none in its window` };
  if (!sockets.length) return { reached: false, detail: `${nobody} (${got}; Udp NoPorts +${w.dNoPorts})` };
  // An answer from the port the datagrams were sent to (they were seen arriving in the node).
  if (w.replies && w.replyFrom?.endsWith(`:${port}`)) return { reached: true, detail: `${got}; ${held} answered from ${w.replyFrom}` };
  if (w.missed) return { unclear: `${got}, but the watch in ${node} lost ${w.missed} packets (too much traffic there) and cannot count what else arrived` };
  if (!w.stale && !w.othersMulti && w.dIn > w.others) return { reached: true, detail: `${got} and were read from ${held} (Udp InDatagrams +${w.dIn}, ${w.others} other UDP datagrams arrived meanwhile)` };
  if (!w.othersPort && w.queueGrew > 0) return { reached: true, detail: `${got} and wait unread on ${held} (its receive queue grew by ${w.queueGrew} bytes)` };
  if (!w.othersPort && w.dDrops > 0) return { reached: true, detail: `${got} and were delivered to ${held}, which dropped ${w.dDrops} (its receive queue is full)` };
  if (!w.others && w.dNoPorts > 0) return { reached: false, detail: `${nobody} at the address they were sent to (${got}; Udp NoPorts +${w.dNoPorts}; bound: ${held})` };
  if (!w.others && !w.dIn && !w.dInErrors && w.queueGrew <= 0 && !w.dDrops)
    return { reached: false, detail: `not delivered: ${got}, but no socket received them (Udp InDatagrams, NoPorts and InErrors did not move: dropped in ${node} before delivery, e.g. by its input firewall)` };
  return { unclear: `${got}, but ${w.others} other UDP datagrams arrived there meanwhile${w.stale ? ` and ${w.stale} bytes were waiting to be read` : ''}: the counters cannot tell whether these were delivered` };
}
