// Where vnetmap keeps what it writes for a lab, in one place for the renderer (pure: it only
// names the paths) and apply/ (which writes them). VNETMAP_STATE_DIR moves it (tests).
import { join } from 'node:path';

export const STATE_ROOT = process.env.VNETMAP_STATE_DIR ?? '/run/vnetmap';

/** A lab's run directory (the name must have been checked: apply/state.ts checkedLab). */
export const labRunDir = (lab: string): string => join(STATE_ROOT, lab);

/** A daemon's own directory: its files, log and pid (plan DaemonObj). */
export const daemonDir = (lab: string, name: string): string => join(labRunDir(lab), 'daemons', name);
