// Where a capture of a running lab listens: the device of a node, NODE:IFACE or link:N, found in
// the lab's plan (no host access). Used by `vnetmap capture` and the web view's capture action.
import { UserError } from '../errors.js';
import type { Netns, Plan } from '../plan/types.js';
import { devicesIn, indexByNamespace, inNs } from '../render/index-ns.js';
import { nodeNamespace } from './exec.js';

export interface Place {
  namespace: Netns;
  dev: string;
  what: string;
}

/** The device a capture of `where` listens on. */
export function capturePlace(lab: string, plan: Plan, where: string): Place {
  const link = /^link:(\d+)$/.exec(where);
  if (link) {
    const ref = `link:${link[1]}`;
    for (const o of plan.objects) {
      if (o.kind === 'veth' && o.realizes.includes(ref)) return { namespace: o.a.namespace, dev: o.a.name, what: `${ref} at ${o.a.namespace ?? 'the root namespace'}/${o.a.name}` };
    }
    throw new UserError(`the twin has no device for ${ref} (the strategy may have folded that cable into a bridge); capture at a node instead: NODE or NODE:IFACE.`);
  }
  const [node, iface] = where.split(':', 2) as [string, string | undefined];
  const ns = nodeNamespace(lab, node);
  const idx = indexByNamespace(plan);
  const devs = [...inNs(idx, ns, 'bridge').map((b) => b.name), ...devicesIn(idx, ns).map((d) => d.name)];
  if (iface === undefined) {
    const ep = plan.endpoints.find((e) => e.node === node);
    if (ep) return { namespace: ep.namespace, dev: ep.dev, what: `${node}/${ep.dev}` };
    return { namespace: ns, dev: 'any', what: `every device of ${node}` };
  }
  if (!devs.includes(iface)) throw new UserError(`${node} has no device ${JSON.stringify(iface)} in the twin; its devices: ${devs.join(', ') || 'none'}.`);
  return { namespace: ns, dev: iface, what: `${node}/${iface}` };
}

