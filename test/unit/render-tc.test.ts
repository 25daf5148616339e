// Link impairments as tc argv (src/render/tc.ts): netem where the kernel has it, tbf for the
// rate alone where it has not, and the parsing of what people type after --rate and --delay.
import { describe, expect, it } from 'vitest';
import { impairmentText, netemOnly, parseMs, parseRate, qdiscArgs, tcClear, tcSet } from '../../src/render/tc.js';

describe('tc impairments', () => {
  it('shapes the rate with tbf on a kernel without netem, its bucket big enough for a GSO packet', () => {
    expect(tcSet('p1', { rate: 10_000_000 }, false)).toEqual(['tc', 'qdisc', 'replace', 'dev', 'p1', 'root', 'tbf', 'rate', '10mbit', 'burst', '131072', 'latency', '50ms']);
    expect(qdiscArgs({ rate: 40_000_000_000 }, false)).toEqual(['tbf', 'rate', '40gbit', 'burst', '50000000', 'latency', '50ms']);
  });
  it('does everything with netem where the kernel has it', () => {
    expect(qdiscArgs({ rate: 1_500_000, delayMs: 20, jitterMs: 5, lossPct: 0.5 }, true)).toEqual(['netem', 'delay', '20ms', '5ms', 'loss', '0.5%', 'rate', '1500kbit']);
    expect(netemOnly({ rate: 1, delayMs: 1, lossPct: 1 })).toEqual(['--delay', '--loss']);
    expect(tcClear('p1')).toEqual(['tc', 'qdisc', 'del', 'dev', 'p1', 'root']);
  });
  it('reads rates and times as people write them', () => {
    expect(parseRate('10mbit')).toBe(10_000_000);
    expect(parseRate('1.5G')).toBe(1_500_000_000);
    expect(parseRate('800kbps')).toBe(800_000);
    expect(parseRate('fast')).toBeUndefined();
    expect(parseMs('20ms')).toBe(20);
    expect(parseMs('1.5s')).toBe(1500);
    expect(parseMs('x')).toBeUndefined();
    expect(impairmentText({ rate: 10_000_000, delayMs: 20, jitterMs: 5, lossPct: 1 })).toBe('rate 10mbit, delay 20ms ±5ms, loss 1%');
  });
});
