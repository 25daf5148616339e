// What `plan --explain` shows of a placement (explainPlacement), as golden files: the seed
// examples on two and three chassis, each followed by where every node went, and a design with
// pins, one of them on a chassis the twin does not run.
import { describe, it } from 'vitest';
import { loadDesignFile } from '../../src/model/load.js';
import { chassisNames, place, roundRobin, type Placement } from '../../src/placement/index.js';
import { golden } from '../helpers/golden.js';
import { load } from '../helpers/placement-designs.js';

const show = (p: Placement) => [...p.explain, '', ...[...p.assign].map(([n, c]) => `${n} ${c}`), ''].join('\n');

describe('placement explain (golden)', () => {
  for (const [example, k] of [
    ['hypervisors', 2],
    ['network-b-servers', 3],
    ['network-a', 2],
  ] as const) {
    it(`${example} on ${k} chassis`, async () => {
      const d = loadDesignFile(`examples/${example}.yaml`).design!;
      await golden(`test/golden/placement/${example}.${k}.txt`, show(place(d, chassisNames(k))));
    });
  }

  it('round-robin, for comparison', async () => {
    const d = loadDesignFile('examples/network-b-servers.yaml').design!;
    await golden('test/golden/placement/network-b-servers.3.round-robin.txt', show(roundRobin(d, chassisNames(3))));
  });

  it('pins, one on a chassis the twin does not run', async () => {
    const d = load(`
name: pins
nodes:
  kvm1: { kind: server, placement: chassis-2, interfaces: { eth0: {} } }
  web1: { kind: vm, server: kvm1, interfaces: { eth0: { address: 10.0.0.11/24 } } }
  web2: { kind: vm, server: kvm1, interfaces: { eth0: { address: 10.0.0.12/24 } } }
  pc1: { kind: host, placement: chassis-1, interfaces: { eth0: { address: 10.0.0.1/24 } } }
  pc2: { kind: host, placement: chassis-7, interfaces: { eth0: { address: 10.0.0.2/24 } } }
  pc3: { kind: host, interfaces: { eth0: { address: 10.0.0.3/24 } } }
  sw1: { kind: switch }
  sw2: { kind: switch }
links:
  - endpoints: [kvm1:eth0, sw1:p1]
  - endpoints: [pc1:eth0, sw1:p2]
  - endpoints: [sw1:p3, sw2:p1]
  - endpoints: [pc2:eth0, sw2:p2]
  - endpoints: [pc3:eth0, sw2:p3]
`);
    await golden('test/golden/placement/pins.2.txt', show(place(d, chassisNames(2))));
  });
});
