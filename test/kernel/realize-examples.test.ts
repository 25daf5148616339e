// Every example x every strategy this kernel supports: up, the plan's objects exist (status
// reports no drift), pairs that must reach each other do and pairs that must not don't,
// a port forward answers, then down leaves nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { destroyLab } from '../../src/apply/destroy.js';
import { probeCapabilities } from '../../src/apply/probe.js';
import { labStatus } from '../../src/apply/status.js';
import type { Plan } from '../../src/plan/types.js';
import { example, examplePlan, fetchTcp, isRoot, leftovers, listen, NOTHING, nsOf, ovsRunning, ping, runner, uniqueLab } from './realize-helpers.js';

interface Case {
  example: string;
  reach: [string, string][];
  blocked: [string, string][];
  forward?: { from: string; ip: string; port: number; node: string; toPort: number };
}

const CASES: Case[] = [
  { example: 'figure-1', reach: [['pc1', '192.168.1.12'], ['pc3', '192.168.2.14']], blocked: [['pc1', '192.168.2.13']] },
  {
    example: 'network-a',
    reach: [['pc1', '192.168.1.1'], ['pc5', '192.168.1.11'], ['pc3', '203.0.113.1']],
    blocked: [['internet', '192.168.1.11']],
    forward: { from: 'internet', ip: '203.0.113.2', port: 8080, node: 'pc1', toPort: 80 },
  },
  {
    example: 'network-a-vms',
    reach: [['pc1', '192.168.1.1'], ['pc1', '192.168.1.12'], ['pc5', '192.168.1.13'], ['pc2', '203.0.113.1']],
    blocked: [['internet', '192.168.1.11']],
    forward: { from: 'internet', ip: '203.0.113.2', port: 8080, node: 'pc1', toPort: 80 },
  },
  {
    example: 'network-b',
    reach: [['pc3', '192.168.10.1'], ['pc1', '192.168.10.13'], ['pc4', '203.0.113.1'], ['pc5', '192.168.30.16']],
    blocked: [['internet', '192.168.10.13']],
    forward: { from: 'internet', ip: '203.0.113.2', port: 8080, node: 'pc6', toPort: 80 },
  },
  {
    example: 'network-b-servers',
    // Host C's uplink is a hairpin (reflective relay) port: frames a VM there floods come back
    // to its server's bridge, which then learns the VM behind the uplink (as a real switch
    // would). So only VMs elsewhere start the conversations here.
    reach: [['pc1', '192.168.10.1'], ['pc1', '192.168.10.13'], ['pc6', '192.168.30.15'], ['pc2', '203.0.113.1']],
    blocked: [['internet', '192.168.10.11']],
  },
];
const STRATEGIES = ['faithful', 'compact', 'ovs', 'macvtap'];

const labs: string[] = [];
afterAll(async () => {
  for (const l of labs) await destroyLab(l, runner).catch(() => undefined);
});

const caps = isRoot ? await probeCapabilities(runner) : undefined;
const ovs = isRoot ? await ovsRunning() : false;

/** Plan it, or say why this kernel cannot (the reason goes into the test name). */
async function tryPlan(c: Case, strategy: string, lab: string): Promise<Plan | string> {
  if (!isRoot) return 'needs root';
  try {
    const plan = await examplePlan(c.example, strategy, lab);
    if (plan.objects.some((o) => o.kind === 'ovs-bridge') && !ovs) return 'Open vSwitch not running';
    return plan;
  } catch (e) {
    return (e as Error).message.split(';')[0]!.slice(0, 90);
  }
}

const MATRIX: { c: Case; strategy: string; lab: string; planned: Plan | string }[] = [];
for (const c of CASES) for (const strategy of STRATEGIES) {
  const lab = uniqueLab();
  MATRIX.push({ c, strategy, lab, planned: await tryPlan(c, strategy, lab) });
}

describe('realize examples on this kernel', () => {
  for (const { c, strategy, lab, planned } of MATRIX) {
    {
      const skip = typeof planned === 'string' ? planned : undefined;
      it.skipIf(!!skip)(`${c.example} × ${strategy}${skip ? ` (skipped: ${skip})` : ''}`, async () => {
        const plan = planned as Plan;
        labs.push(lab);
        const res = await applyPlan(plan, runner, { designFile: example(c.example) });
        expect(res.action).toBe('created');
        const st = await labStatus(lab, runner);
        expect(st.drift).toEqual([]);
        expect(st.namespaces.filter((n) => n.exists).length).toBe(plan.objects.filter((o) => o.kind === 'netns').length);
        // One after the other: concurrent floods would make the cases depend on each other.
        const reach: string[] = [];
        for (const [n, ip] of c.reach) reach.push(`${n}->${ip}:${await ping(nsOf(plan, n), ip)}`);
        expect(reach).toEqual(c.reach.map(([n, ip]) => `${n}->${ip}:true`));
        const blocked = await Promise.all(c.blocked.map(async ([n, ip]) => `${n}->${ip}:${await ping(nsOf(plan, n), ip)}`));
        expect(blocked).toEqual(c.blocked.map(([n, ip]) => `${n}->${ip}:false`));
        if (c.forward && caps?.nftables) {
          const f = c.forward;
          const server = listen(nsOf(plan, f.node), f.toPort, `hello-from-${f.node}`);
          expect(await fetchTcp(nsOf(plan, f.from), f.ip, f.port)).toBe(`hello-from-${f.node}`);
          await server;
        }
        // Unchanged plan: nothing to do.
        expect((await applyPlan(plan, runner, { designFile: example(c.example) })).action).toBe('unchanged');
        await destroyLab(lab, runner);
        expect(await leftovers(lab)).toEqual(NOTHING);
      });
    }
  }
});
