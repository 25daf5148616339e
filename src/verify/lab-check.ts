// Before verify probes a lab, and again after, its namespaces must be the very ones `up` created
// (the identities in its state: nsfs inode and change time, src/apply/identity.ts). A lab taken
// down, or rebuilt, while verify ran would otherwise show up as a network full of mismatches:
// a verdict on a twin that is no longer there. Not being root is the same kind of problem: no
// probe could enter a namespace, and every pair would "fail".
import { nsIdentity } from '../apply/identity.js';
import type { LabState } from '../apply/state.js';
import { UserError } from '../errors.js';
import { proberArgv } from './prober.js';

/** Why the lab is not the one its state describes (undefined: every namespace is there, the same one). */
export function labChanged(st: Pick<LabState, 'lab' | 'plan' | 'identities'>, identity: (ns: string) => string | undefined = nsIdentity): string | undefined {
  const names = st.plan.objects.flatMap((o) => (o.kind === 'netns' ? [o.name] : []));
  const gone = names.filter((n) => identity(n) === undefined);
  const other = names.filter((n) => {
    const want = st.identities?.[n];
    const have = identity(n);
    return want !== undefined && have !== undefined && have !== want;
  });
  if (!gone.length && !other.length) return undefined;
  const list = (xs: string[]) => `${xs.slice(0, 3).join(', ')}${xs.length > 3 ? ` and ${xs.length - 3} more` : ''}`;
  const what = [gone.length ? `${gone.length} of its ${names.length} namespaces are gone (${list(gone)})` : '', other.length ? `${other.length} were deleted and created again by someone else (${list(other)})` : ''].filter(Boolean).join('; ');
  return `lab ${st.lab} is not the twin vnetmap built: ${what}. Run "vnetmap status ${st.lab}" to see what is left, then "vnetmap down ${st.lab}" and "vnetmap up FILE" to build it again.`;
}

/** Throws the UserError verify stops with (exit 2): no verdict on a lab that changed under it. */
export function assertLab(st: Pick<LabState, 'lab' | 'plan' | 'identities'>, when: string, identity?: (ns: string) => string | undefined): void {
  const why = labChanged(st, identity);
  if (why) throw new UserError(`${when}: ${why}`);
}

/** verify's probes need its prober (prober.ts), which needs Debian's Python 3. */
export function assertProber(argv: () => string[] | undefined = proberArgv): void {
  if (!argv()) throw new UserError('verify probes the twin through libexec/probe.py, which needs /usr/bin/python3: install it (Debian: apt-get install python3, or run scripts/setup.sh).');
}

/** verify enters namespaces and opens raw sockets: root only. */
export function assertRoot(uid: number | undefined = process.getuid?.()): void {
  if (uid !== undefined && uid !== 0) throw new UserError('verify probes the twin from inside its namespaces with raw sockets, which needs root: run it as root (e.g. "sudo vnetmap verify LAB").');
}
