// An FRR daemon's running configuration against the one up gave it (src/apply/drift.ts
// frrLinesLost): a line lost or changed is seen under its block, FRR's own additions are not.
import { describe, expect, it } from 'vitest';
import { frrLinesLost } from '../../src/apply/drift.js';

const planned = `! ospfd of r1, written by vnetmap
hostname r1
!
interface lan
 ip ospf cost 10
 ip ospf passive
exit
!
interface b
 ip ospf cost 10
exit
!
router ospf
 ospf router-id 10.0.0.1
exit
!
line vty
!
`;

// As FRR 8.4 prints it: its version and defaults added, the order of lines within a block its own.
const running = `frr version 8.4.4
frr defaults traditional
!
hostname r1
!
interface b
 ip ospf cost 10
exit
!
interface lan
 ip ospf passive
 ip ospf cost 10
exit
!
router ospf
 ospf router-id 10.0.0.1
exit
!
end
`;

describe('FRR running configuration drift', () => {
  it('nothing lost when FRR only reorders and adds its defaults', () => {
    expect(frrLinesLost(planned, running)).toEqual([]);
  });

  it('a changed line is lost under its own block, though another block has the same line', () => {
    expect(frrLinesLost(planned, running.replace('interface lan\n ip ospf passive\n ip ospf cost 10', 'interface lan\n ip ospf passive\n ip ospf cost 20'))).toEqual(['interface lan: ip ospf cost 10']);
  });

  it('a removed block loses its header and lines; an empty running configuration loses everything', () => {
    expect(frrLinesLost(planned, running.replace('router ospf\n ospf router-id 10.0.0.1\nexit\n', ''))).toEqual(['router ospf', 'router ospf: ospf router-id 10.0.0.1']);
    expect(frrLinesLost(planned, '')).toHaveLength(8);
  });
});
