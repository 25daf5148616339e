// arp-scan stops at the first frame the kernel refuses (ENOBUFS: a full queue in a huge
// broadcast domain); arpMany scans again after a pause, and reports a lasting failure.
import { describe, expect, it } from 'vitest';
import { ToolError } from '../../src/errors.js';
import { RecordingRunner } from '../../src/exec/runner.js';
import { arpMany, pingMany } from '../../src/verify/probes.js';

const BUSY = { code: 1, stdout: '', stderr: 'ERROR: failed to send packet: No buffer space available\n' };
const REPLY = { code: 0, stdout: '10.0.0.2\t02:00:00:00:00:02\n', stderr: '' };

describe('arpMany', () => {
  it('scans again when the kernel refused a frame, and keeps the answers of the scan that finished', async () => {
    let n = 0;
    const runner = new RecordingRunner((argv) => (argv.includes('arp-scan') ? (n++ < 2 ? BUSY : REPLY) : undefined));
    const got = await arpMany(runner, 'vn-x-h1', 'eth0', ['10.0.0.2', '10.0.0.3']);
    expect(runner.calls.filter((c) => c.argv.includes('arp-scan'))).toHaveLength(3);
    expect(got).toEqual(new Map([['10.0.0.2', ['02:00:00:00:00:02']], ['10.0.0.3', []]]));
  });

  it('gives up after a few tries and says which command failed', async () => {
    const runner = new RecordingRunner((argv) => (argv.includes('arp-scan') ? BUSY : undefined));
    await expect(arpMany(runner, 'vn-x-h1', 'eth0', ['10.0.0.2'])).rejects.toBeInstanceOf(ToolError);
    expect(runner.calls.filter((c) => c.argv.includes('arp-scan'))).toHaveLength(5);
  });

  it('does not retry other failures', async () => {
    const runner = new RecordingRunner((argv) => (argv.includes('arp-scan') ? { code: 1, stdout: '', stderr: 'ERROR: pcap_activate: permission denied\n' } : undefined));
    await expect(arpMany(runner, 'vn-x-h1', 'eth0', ['10.0.0.2'])).rejects.toBeInstanceOf(ToolError);
    expect(runner.calls).toHaveLength(1);
  });

  it('sends ARP probes (sender 0.0.0.0, so targets learn nothing) spaced in microseconds', async () => {
    const runner = new RecordingRunner((argv) => (argv.includes('arp-scan') ? REPLY : undefined));
    await arpMany(runner, 'vn-x-h1', 'eth0', ['10.0.0.2'], { intervalMs: 0.25 });
    const argv = runner.calls[0]!.argv;
    expect(argv).toContain('--arpspa=0.0.0.0');
    expect(argv).toContain('--interval=250u');
  });
});

describe('pingMany', () => {
  it('spaces targets by fractions of a millisecond, never below a microsecond', async () => {
    const runner = new RecordingRunner((argv) => (argv.includes('fping') ? { code: 0, stdout: '10.0.0.2\n', stderr: '' } : undefined));
    expect(await pingMany(runner, 'vn-x-h1', '10.0.0.1', ['10.0.0.2', '10.0.0.3'], { intervalMs: 0.2 })).toEqual(new Set(['10.0.0.2']));
    await pingMany(runner, 'vn-x-h1', '10.0.0.1', ['10.0.0.2'], { intervalMs: 0 });
    const spacing = runner.calls.map((c) => c.argv[c.argv.indexOf('-i') + 1]);
    expect(spacing).toEqual(['0.2', '0.001']);
  });
});
