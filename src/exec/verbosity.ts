// How much vnetmap says on stderr: -q (only errors and results), normal, or -v (also every
// command it runs, as it runs it: what a user would type to do the same by hand).

let level: 'quiet' | 'normal' | 'verbose' = 'normal';

export function setVerbosity(v: { quiet?: boolean; verbose?: boolean }): void {
  level = v.quiet ? 'quiet' : v.verbose ? 'verbose' : 'normal';
}

export const isQuiet = (): boolean => level === 'quiet';

/** A note for people (a wait, a warning, progress): on stderr unless -q. */
export function note(line: string): void {
  if (level !== 'quiet') process.stderr.write(line.endsWith('\n') ? line : `${line}\n`);
}

/** With -v, the command about to run, as one line a shell would take (arguments quoted where needed). */
export function traceCommand(argv: readonly string[], input?: string): void {
  if (level !== 'verbose') return;
  const q = (a: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  const lines = input ? input.split('\n').filter(Boolean).length : 0;
  process.stderr.write(`+ ${argv.map(q).join(' ')}${input !== undefined ? ` <<< (${lines} line${lines === 1 ? '' : 's'})` : ''}\n`);
}
