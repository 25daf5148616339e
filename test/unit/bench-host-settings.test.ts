// Running the bench runs Mininet, which raises machine-wide sysctls and never lowers them; the
// bench writes back what changed. Exercised on a scratch directory shaped like /proc/sys.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MININET_NEIGH, MININET_SYSCTLS, raise, restore, snapshot } from '../../bench/lib/host-settings.js';

let root: string;
const put = (p: string, v: string) => {
  mkdirSync(dirname(join(root, p)), { recursive: true });
  writeFileSync(join(root, p), v + '\n');
};
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'vnm-sysctl-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('bench host settings', () => {
  it('writes back only what changed, and says from what to what', () => {
    put('net/ipv4/neigh/default/gc_thresh3', '1024');
    put('net/core/netdev_max_backlog', '1000');
    put('net/ipv4/tcp_rmem', '4096\t131072\t6291456');
    const before = snapshot(MININET_SYSCTLS, root);
    expect(Object.keys(before).sort()).toEqual(['net/core/netdev_max_backlog', 'net/ipv4/neigh/default/gc_thresh3', 'net/ipv4/tcp_rmem']);
    // What fixLimits() does.
    put('net/ipv4/neigh/default/gc_thresh3', '16384');
    put('net/ipv4/tcp_rmem', '10240\t87380\t16777216');
    expect(restore(before, root)).toEqual(['net.ipv4.tcp_rmem 10240 87380 16777216 → 4096 131072 6291456', 'net.ipv4.neigh.default.gc_thresh3 16384 → 1024']);
    expect(readFileSync(join(root, 'net/ipv4/neigh/default/gc_thresh3'), 'utf8')).toBe('1024');
    expect(snapshot(MININET_SYSCTLS, root)).toEqual(before);
    expect(restore(before, root)).toEqual([]);
  });

  it('raises the neighbour limits to what Mininet sets, never lowers one, and restores them', () => {
    put('net/ipv4/neigh/default/gc_thresh1', '128');
    put('net/ipv4/neigh/default/gc_thresh2', '512');
    put('net/ipv4/neigh/default/gc_thresh3', '32768');
    const before = raise(MININET_NEIGH, root);
    expect(snapshot(Object.keys(MININET_NEIGH), root)).toEqual({ 'net/ipv4/neigh/default/gc_thresh1': '4096', 'net/ipv4/neigh/default/gc_thresh2': '8192', 'net/ipv4/neigh/default/gc_thresh3': '32768' });
    expect(restore(before, root)).toEqual(['net.ipv4.neigh.default.gc_thresh1 4096 → 128', 'net.ipv4.neigh.default.gc_thresh2 8192 → 512']);
    expect(snapshot(Object.keys(MININET_NEIGH), root)).toEqual(before);
  });

  it('names every sysctl Mininet fixLimits() raises', () => {
    expect(MININET_SYSCTLS).toContain('net/ipv4/neigh/default/gc_thresh3');
    expect(MININET_SYSCTLS).toContain('net/core/netdev_max_backlog');
    expect(MININET_SYSCTLS).toHaveLength(11);
  });
});
