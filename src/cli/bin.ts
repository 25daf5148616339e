#!/usr/bin/env node
// Executable entry: run the CLI and let Node exit on its own so piped output is never cut.
import { main } from './main.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
