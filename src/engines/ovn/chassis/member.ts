// What a machine that joined a lab keeps: its part of the plan, the namespaces it made (by
// identity), the address it lent to br-phy, and its daemons' files — all under
// <run dir>/<lab>/member/, apart from the central's files (ovn/, state.json) of the same lab
// when this machine also runs the central: `down` there and `chassis leave` here each remove
// their own, and the lab's directory goes with the last of them. Its own lock too
// (.locks/<lab>.member.lock): the central's `up` holds the lab's lock while it waits for this
// machine to join.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BusyError, InterruptedError } from '../../../errors.js';
import { takeFlock } from '../../../exec/flock.js';
import { LOCK_DIR } from '../../../apply/lock.js';
import { checkedLab, labDir, writeJsonAtomic } from '../../../apply/state.js';
import { OvnLayout } from '../render/layout.js';
import type { ChassisPart } from '../inventory/part.js';

export interface MemberState {
  lab: string;
  /** tcp:ADDR:PORT of the lab's Northbound, where the part came from. */
  central: string;
  part: ChassisPart;
  datapath: 'system' | 'netdev';
  /** Userspace datapath: the device br-phy took, and the address that moved from it (put back on leave). */
  encapDev?: string;
  encapCidr?: string;
  /** building: a join in progress or killed; done: joined. */
  phase: 'building' | 'done';
  /** Namespace -> identity, recorded as each was made: leave deletes only these (or those carrying the lab's marker). */
  identities: Record<string, string>;
  joinedAt: string;
}

/**
 * A machine's bridges: the lab's own names (a netdev bridge is a device of that name in the
 * machine's namespace, where the system's Open vSwitch may have a br-int); "-" is in no root
 * device name of the lab (vn<labId><base-36 counter>).
 */
export const machineBridges = (labId: string): { int: string; phy: string } => ({ int: `vn${labId}-int`, phy: `vn${labId}-phy` });

export const memberDir = (lab: string): string => join(labDir(lab), 'member');
export const memberLayout = (lab: string): OvnLayout => new OvnLayout(memberDir(lab));
const statePath = (lab: string): string => join(memberDir(lab), 'member.json');

export function readMember(lab: string): MemberState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(checkedLab(lab)), 'utf8')) as MemberState;
  } catch {
    return undefined;
  }
}

export function writeMember(s: MemberState): void {
  mkdirSync(memberDir(s.lab), { recursive: true });
  writeJsonAtomic(statePath(s.lab), s);
}

/** Remove the member's files, and the lab's directory when nothing else (a central's files) is in it. */
export function removeMember(lab: string): void {
  rmSync(memberDir(lab), { recursive: true, force: true });
  const dir = labDir(lab);
  if (existsSync(dir) && !readdirSync(dir).length) rmSync(dir, { recursive: true, force: true });
}

export async function withMemberLock<T>(lab: string, wait: boolean, fn: () => Promise<T>): Promise<T> {
  checkedLab(lab);
  mkdirSync(LOCK_DIR(), { recursive: true });
  const file = join(LOCK_DIR(), `${lab}.member.lock`);
  let lock = await takeFlock(file, { waitMs: 0 });
  if (!lock) {
    if (!wait) throw new BusyError(`this machine's part of lab "${lab}" is busy (another "vnetmap chassis join" or "leave"); try again when it is done.`);
    lock = await takeFlock(file, { waitMs: 120_000 });
    if (!lock) throw new InterruptedError(`waited 120 s for another "vnetmap chassis" run on lab "${lab}"; nothing was changed.`);
  }
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
