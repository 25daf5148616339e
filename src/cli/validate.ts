// vnetmap validate FILE... [--json]: every problem at once; exit 2 on errors.
import type { Command } from 'commander';
import { formatProblems, problemJson, summary } from '../model/format.js';
import { loadDesignFile } from '../model/load.js';
import { designArg } from './find-design.js';

export function register(program: Command): void {
  program
    .command('validate')
    .description('check designs and report every problem at file:line:column (exit 2 on errors)')
    .argument('[files...]', "design files (YAML); default: this directory's (vnetmap.yaml, or its one *.vnetmap.yaml)")
    .option('--json', 'print { "errors": [...], "warnings": [...] }')
    .action((named: string[], opts: { json?: boolean }) => {
      const files = named.length ? named : [designArg(undefined, 'validate')];
      const results = files.map((f) => loadDesignFile(f));
      const errors = results.flatMap((r) => r.errors);
      const warnings = results.flatMap((r) => r.warnings);
      if (opts.json) {
        process.stdout.write(JSON.stringify({ errors: errors.map(problemJson), warnings: warnings.map(problemJson) }, null, 2) + '\n');
      } else {
        const all = [...errors, ...warnings];
        if (all.length) process.stderr.write(formatProblems(all) + '\n');
        for (const [i, f] of files.entries()) {
          const r = results[i]!;
          process.stdout.write(`${f}: ${r.errors.length ? 'invalid' : 'ok'} (${summary(r.errors.length, r.warnings.length)})\n`);
        }
      }
      process.exitCode = errors.length ? 2 : 0;
    });
}
