// A namespace that holds a Linux bridge and NAT rules (compact folds the router onto the bridge)
// must keep bridged frames out of those rules. With br_netfilter loaded (Docker and Kubernetes
// load it; the setting is per namespace and on by default), frames crossing the bridge go
// through the namespace's IPv4 hooks as if routed: a hairpin port forward back to the client's
// own subnet is then DNATed on the bridge, bridged back out of the port it came in by, and
// dropped. A real router never sees switched frames, so the twin turns that off.
import type { PlanBuilder } from './builder.js';

const KEYS = ['net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables', 'net.bridge.bridge-nf-call-arptables'];

export function keepBridgedFramesOutOfNat(b: PlanBuilder): void {
  const bridged = new Set(b.added.filter((o) => o.kind === 'bridge').map((o) => o.namespace));
  for (const o of b.added) {
    if (o.kind !== 'nft' || !bridged.has(o.namespace)) continue;
    // Provenance: the NAT rules that need it.
    for (const key of KEYS) b.add({ kind: 'sysctl', namespace: o.namespace, key, value: '0', optional: true, realizes: [...o.realizes] });
    b.choose(
      'bridged frames and NAT',
      `br_netfilter off in ${o.namespace}`,
      `${o.namespace} bridges frames and has NAT rules; where br_netfilter is loaded, switched frames would pass through those rules, which no real switch does (a hairpin port forward would be dropped)`,
    );
  }
}
