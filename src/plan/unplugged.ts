// An interface with no cable still exists on the real device: its address is configured and
// the node can use it locally, but nothing is on the other end. The twin gives it a veth whose
// peer stays in the same namespace, attached to nothing, so the address and the endpoint exist
// and no frame ever leaves.
import type { Iface } from '../model/types.js';
import type { Ctx } from './context.js';
import { ifaceLook } from './context.js';
import type { Ref } from './types.js';

export function unplugged(ctx: Ctx, ns: string, iface: Iface, ref: Ref, who: string, master?: string): void {
  const { b } = ctx;
  const peer = b.fresh(ns, 'unplug');
  b.add({ kind: 'veth', a: { namespace: ns, name: b.claim(ns, iface.name), ...ifaceLook(iface), ...(master ? { master } : {}) }, b: { namespace: ns, name: peer }, realizes: [ref] });
  b.deviate({
    code: 'unconnected-interface',
    message: `${who}'s interface ${iface.name} has no cable; the twin pairs it with ${peer} in the same namespace, connected to nothing.`,
    realizes: [ref],
  });
}
