// The vnetmap command line. Each command lives in its own file and registers itself here.
import { Command, CommanderError } from 'commander';
import { BUG_REPORT_LINE, BusyError, EnvironmentError, environmentMessage, InterruptedError, ToolError, UserError } from '../errors.js';
import { formatProblems } from '../model/format.js';
import { printable } from '../model/printable.js';
import { VERSION } from '../version.js';
import { setVerbosity } from '../exec/verbosity.js';
import * as validate from './validate.js';
import * as plan from './plan.js';
import * as expect from './expect.js';
import * as trace from './trace.js';
import * as verify from './verify.js';
import * as draw from './draw.js';
import * as up from './up.js';
import * as down from './down.js';
import * as status from './status.js';
import * as execCmd from './exec.js';
import * as shell from './shell.js';
import * as link from './link.js';
import * as completion from './completion.js';
import * as capture from './capture.js';
import * as chassis from './chassis.js';
import * as consoleCmd from './console.js';
import * as serve from './serve.js';

export const COMMANDS: { register(p: Command): void }[] = [validate, plan, expect, trace, verify, draw, up, down, status, execCmd, shell, consoleCmd, capture, serve, chassis, completion, link];

export function buildProgram(): Command {
  const program = new Command('vnetmap')
    .description('Describe a real network once; build its Linux twin, prove it behaves the same, draw both.')
    .version(VERSION)
    .showHelpAfterError('(run "vnetmap --help" for usage)');
  // exec passes everything after the node to the user's command: options of the program come before its name.
  program.enablePositionalOptions();
  for (const c of COMMANDS) c.register(program);
  for (const c of program.commands) {
    c.option('-q, --quiet', 'say only errors and results (no notes, warnings or progress)');
    c.option('-v, --verbose', 'also print every command vnetmap runs, as it runs it');
  }
  program.hook('preAction', (_program, action) => setVerbosity(action.opts()));
  // Commander does not pass exitOverride down to subcommands registered before it is set:
  // without this, a bad option value would process.exit(1) instead of being a user error (2).
  program.exitOverride();
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return report(e);
  }
}

/** Exit codes (docs/cli.md): 0 ok, 1 failed check, tool or machine, 2 user mistake, 70 bug, 75 lab busy, 130 interrupted. */
export function report(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  if (e instanceof BusyError || e instanceof InterruptedError) {
    process.stderr.write(`vnetmap: ${e.message}\n`);
    return e instanceof BusyError ? 75 : 130;
  }
  if (e instanceof UserError) {
    if (e.problems.length) process.stderr.write(formatProblems(e.problems) + '\n');
    process.stderr.write(`vnetmap: ${printable(e.message)}\n`); // it may quote design text
    return 2;
  }
  if (e instanceof ToolError) {
    process.stderr.write(`vnetmap: command failed: ${e.argv.join(' ')}\n  exit code: ${e.exitCode ?? 'killed'}\n  stderr: ${e.stderr.trim() || '(empty)'}\n`);
    if (e.hint) process.stderr.write(`  what to do: ${e.hint}\n`);
    return 1;
  }
  if (process.env.VNETMAP_DEBUG) console.error(e);
  const env = e instanceof EnvironmentError ? e.message : environmentMessage(e);
  if (env) {
    process.stderr.write(`vnetmap: ${env}\n`);
    return 1;
  }
  process.stderr.write(BUG_REPORT_LINE(e) + '\n');
  return 70;
}
