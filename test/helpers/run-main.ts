// The CLI in-process, as a user would run it, with its output captured: main() of
// src/cli/main.ts, its exit code, and what it wrote. process.exitCode (which validate sets)
// is cleared before and after, so it never leaks into the next run or the test runner.
import { vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export async function runMain(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    process.exitCode = undefined;
    return { code: await main(['node', 'vnetmap', ...args]), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}
