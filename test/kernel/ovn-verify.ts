// Helpers of the OVN DHCP/DNS kernel tests: verify as the CLI runs it on an OVN lab (with the
// DHCP clients' leases in the comparison), the failed checks by name, and a hand mutation of
// the Northbound (the lab's rows of one table deleted, as `ovn-nbctl destroy` would), and what a
// lab left on the host after `down`.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOCK_DIR } from '../../src/apply/lock.js';
import { labDir, readState } from '../../src/apply/state.js';
import { layoutOf } from '../../src/engines/ovn/apply/paths.js';
import { ovnEngine } from '../../src/engines/ovn/index.js';
import { connectOvsdb } from '../../src/engines/ovn/ovsdb/client.js';
import { LAB_KEY } from '../../src/engines/ovn/plan/names.js';
import { loadOrThrow } from '../../src/cli/expect.js';
import { verifyLive, type Check, type CheckKind } from '../../src/verify/verify.js';
import { processesNaming, runner } from './realize-helpers.js';

export async function ovnVerify(lab: string, kinds?: CheckKind[]) {
  const st = readState(lab)!;
  const design = loadOrThrow(st.designFile);
  return verifyLive(st.plan, design, runner, { comparison: (d, p) => ovnEngine.compare(d, { ...st.ovn!, local: p }), ...(kinds ? { kinds } : {}) });
}

export const failedChecks = (cs: Check[]): string[] => cs.filter((c) => !c.ok).map((c) => `${c.kind} ${c.from} -> ${c.to}`).sort();

/** Deletes the lab's rows of one Northbound table: how many there were. */
export async function deleteRows(lab: string, table: string): Promise<number> {
  const nb = await connectOvsdb(`unix:${layoutOf(lab).nbSock}`);
  try {
    const r = (await nb.transact('OVN_Northbound', [{ op: 'delete', table, where: [['external_ids', 'includes', ['map', [[LAB_KEY, lab]]]]] }])) as { count: number }[];
    return r[0]!.count;
  } finally {
    nb.close();
  }
}

/** What the lab left on the host: its namespaces (workloads, chassis), /etc/netns directories, processes naming its directory, the directory, its lock file. */
export function leftovers(lab: string): { namespaces: string[]; etcNetns: string[]; processes: number[]; dir: boolean; lock: boolean } {
  const named = (n: string) => n.startsWith(`vn-${lab}-`) || n.startsWith(`vn-${lab}.`);
  return {
    namespaces: existsSync('/var/run/netns') ? readdirSync('/var/run/netns').filter(named) : [],
    etcNetns: existsSync('/etc/netns') ? readdirSync('/etc/netns').filter(named) : [],
    processes: processesNaming(labDir(lab)),
    dir: existsSync(labDir(lab)),
    lock: existsSync(join(LOCK_DIR(), `${lab}.lock`)),
  };
}
export const NOTHING = { namespaces: [], etcNetns: [], processes: [], dir: false, lock: false };
