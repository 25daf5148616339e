// Shell completion comes from the program itself: every command and option, lab names from
// the state directory, node names from a lab's state.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../../src/apply/design.js';
import { buildProgram } from '../../src/cli/main.js';

const BIN = cliPath();

/** COMPREPLY for the words typed so far (the last one being completed), in bash with the script loaded. */
function complete(words: string[], stateDir: string): string[] {
  const script = `vnetmap() { node ${JSON.stringify(BIN)} "$@"; }
source <(node ${JSON.stringify(BIN)} completion bash)
COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}
_vnetmap; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['-c', script], { env: { ...process.env, VNETMAP_STATE_DIR: stateDir }, encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean);
}

describe('shell completion', () => {
  const state = mkdtempSync(join(tmpdir(), 'vnetmap-complete-'));
  mkdirSync(join(state, 'lab-one'));
  mkdirSync(join(state, 'lab-two'));
  mkdirSync(join(state, '.locks'));

  it('bash and zsh scripts parse; fish names every command', () => {
    for (const sh of ['bash', 'zsh']) {
      const text = spawnSync('node', [BIN, 'completion', sh], { encoding: 'utf8' }).stdout;
      expect(spawnSync('bash', ['-n'], { input: text }).status, sh).toBe(0);
    }
    const fish = spawnSync('node', [BIN, 'completion', 'fish'], { encoding: 'utf8' }).stdout;
    for (const c of buildProgram().commands) if (!c.name().startsWith('__')) expect(fish).toContain(`-a ${c.name()}`);
  });

  it('commands, their options, and running labs', () => {
    expect(complete(['vnetmap', 'st'], state)).toEqual(['status']);
    expect(complete(['vnetmap', 'verify', '--no'], state)).toEqual(['--no-wait']);
    expect(complete(['vnetmap', 'verify', ''], state).sort()).toEqual(['lab-one', 'lab-two']);
    expect(complete(['vnetmap', 'exec', 'lab-o'], state)).toEqual(['lab-one']);
  });
});
