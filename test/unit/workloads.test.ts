// exec: commands after up: run in their namespace as argv (no shell), in order within a node,
// only for namespaces this run built; a failure is an outcome with its exit and stderr, said in
// one line, never an exception that would undo the lab.
import { describe, expect, it } from 'vitest';
import { execFailure, runExecs } from '../../src/apply/workloads.js';
import type { Runner, RunOptions } from '../../src/exec/runner.js';
import type { Plan } from '../../src/plan/types.js';

function fakeRunner(calls: string[][]): Runner {
  return {
    run: async (argv: readonly string[], _o?: RunOptions) => {
      calls.push([...argv]);
      const cmd = argv.slice(argv.indexOf('--') + 1);
      if (cmd[0] === 'false') return { code: 1, stdout: '', stderr: 'line 1\nline 2\nline 3\nit failed\n' };
      if (cmd[0] === 'hang') throw new Error('timed out after 60000 ms');
      return { code: 0, stdout: 'ok\n', stderr: '' };
    },
    runMany: async () => undefined,
  } as unknown as Runner;
}

const plan = {
  lab: 'w',
  objects: [
    { kind: 'exec', namespace: 'vn-w-a', node: 'a', argv: ['echo', 'one two'], realizes: ['exec:a/0'] },
    { kind: 'exec', namespace: 'vn-w-a', node: 'a', argv: ['false'], realizes: ['exec:a/1'] },
    { kind: 'exec', namespace: 'vn-w-b', node: 'b', argv: ['hang'], realizes: ['exec:b/0'] },
    { kind: 'exec', namespace: 'vn-w-c', node: 'c', argv: ['echo'], realizes: ['exec:c/0'] },
  ],
} as unknown as Plan;

describe('exec commands after up', () => {
  it('run as argv in their namespace, in order per node, only where this run built the namespace', async () => {
    const calls: string[][] = [];
    const out = await runExecs(plan, new Set(['vn-w-a', 'vn-w-b']), fakeRunner(calls));
    expect(calls.filter((c) => c.includes('--net=/var/run/netns/vn-w-a')).map((c) => c.slice(c.indexOf('--') + 1))).toEqual([['echo', 'one two'], ['false']]);
    expect(calls.some((c) => c.join(' ').includes('vn-w-c'))).toBe(false);
    expect(out.map((o) => [o.ref, o.code])).toEqual([['exec:a/0', 0], ['exec:a/1', 1], ['exec:b/0', null]]);
  });
  it('a failure reads as one line: where, the command, how it ended, the end of its stderr', async () => {
    const out = await runExecs(plan, new Set(['vn-w-a', 'vn-w-b']), fakeRunner([]));
    expect(execFailure(out[1]!)).toBe('exec on a (exec:a/1) "false" exited with 1: line 2 | line 3 | it failed');
    expect(execFailure(out[2]!)).toBe('exec on b (exec:b/0) "hang" did not finish (killed after 60 s or could not start): timed out after 60000 ms');
  });
});
