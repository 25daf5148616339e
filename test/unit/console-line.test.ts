// What a line typed at `vnetmap console` means, and what Tab offers.
import { describe, expect, it } from 'vitest';
import { completeConsole, parseConsoleLine, splitWords, type ConsoleLab } from '../../src/cli/console-line.js';

const lab: ConsoleLab = { lab: 'a', nodes: ['pc1', 'pc2', 'gw', 'status'], address: (n) => ({ pc1: '10.0.0.1', pc2: '10.0.0.2' })[n] };

describe('console lines', () => {
  it('runs a command in a node, a later node name standing for its address', () => {
    expect(parseConsoleLine('pc1 ping -c 1 pc2', lab)).toEqual({ kind: 'exec', node: 'pc1', argv: ['ping', '-c', '1', '10.0.0.2'] });
    // The command word itself is never replaced, nor a node without an address.
    expect(parseConsoleLine('pc1 pc2 gw', lab)).toEqual({ kind: 'exec', node: 'pc1', argv: ['pc2', 'gw'] });
    expect(parseConsoleLine("pc1 sh -c 'echo a b'", lab)).toEqual({ kind: 'exec', node: 'pc1', argv: ['sh', '-c', 'echo a b'] });
  });
  it("maps the lab commands onto vnetmap's own, a node of the same name winning", () => {
    expect(parseConsoleLine('pingall', lab)).toEqual({ kind: 'vnetmap', argv: ['verify', 'a', '--only', 'ping'] });
    expect(parseConsoleLine('trace pc1 pc2 --tcp 80', lab)).toEqual({ kind: 'vnetmap', argv: ['trace', 'a', 'pc1', 'pc2', '--tcp', '80'] });
    expect(parseConsoleLine('link pc1:eth0 down', lab)).toEqual({ kind: 'vnetmap', argv: ['link', 'a', 'pc1:eth0', 'down'] });
    expect(parseConsoleLine('status ip a', lab)).toEqual({ kind: 'exec', node: 'status', argv: ['ip', 'a'] });
  });
  it('says what is wrong with a line, and ignores blank and comment lines', () => {
    expect(parseConsoleLine('   ', lab)).toEqual({ kind: 'none' });
    expect(parseConsoleLine('# a note', lab)).toEqual({ kind: 'none' });
    expect(parseConsoleLine('pc1', lab)).toMatchObject({ kind: 'error', message: expect.stringContaining('what should it run') });
    expect(parseConsoleLine('pc9 ip a', lab)).toMatchObject({ kind: 'error', message: expect.stringContaining('"pc9" is neither a node of a') });
    expect(parseConsoleLine("pc1 echo 'x", lab)).toMatchObject({ kind: 'error', message: 'a quote is left open: close it' });
    expect(splitWords(`a "" 'b c'`)).toEqual(['a', '', 'b c']);
  });
  it('completes node names and commands', () => {
    expect(completeConsole('p', lab)).toEqual([['pc1', 'pc2', 'pingall'], 'p']);
    expect(completeConsole('pc1 ping p', lab)).toEqual([['pc1', 'pc2'], 'p']);
    expect(completeConsole('pc1 tc', lab)).toEqual([['tcpdump'], 'tc']);
    expect(completeConsole('link pc1:eth0 d', lab)).toEqual([['down'], 'd']);
  });
});
