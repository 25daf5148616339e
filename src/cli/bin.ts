#!/usr/bin/env node
// Executable entry: run the CLI and let Node exit on its own so piped output is never cut.
import { main } from './main.js';

// `vnetmap up ... | head -1`: the reader went away; stop quietly as other CLI tools do.
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv).then((code) => {
  process.exitCode = code;
});
