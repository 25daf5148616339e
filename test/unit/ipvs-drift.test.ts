// IPVS drift without a kernel that has IPVS (ours has none): the observed tables are texts in the
// form `ipvsadm -Sn` prints (ipvsadm 1.31, documented in src/observe/ipvs.ts), each the table a
// hand-made change leaves (`ipvsadm -d/-e/-E/-D/-A` inside the director's namespace). The
// comparison names exactly that change, with the load balancer's `realizes`; the repair's
// ipvsadm lines (golden files) touch exactly it. test/kernel/ipvs-drift.test.ts does the same on
// a kernel with ip_vs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labDrift, type Drift } from '../../src/apply/drift.js';
import { ipvsDrift, ipvsStillDrifted } from '../../src/apply/ipvs-drift.js';
import { queries, type LabObservation } from '../../src/apply/observe-lab.js';
import { loadDesign } from '../../src/model/load.js';
import { IPVS_SAVE_ARGV, parseIpvsSave } from '../../src/observe/ipvs.js';
import type { SeenNamespace } from '../../src/observe/namespace.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { compile } from '../../src/plan/compile.js';
import type { IpvsObj, Plan } from '../../src/plan/types.js';
import { renderIpvs } from '../../src/render/ipvs.js';
import { repairSteps } from '../../src/render/repair.js';
import { stepText } from '../../src/render/script.js';
import { check } from '../../src/verify/checks.js';
import { diagnose } from '../../src/verify/diagnose.js';
import { golden } from '../helpers/golden.js';

/** The web farm with two more IPVS services (sh on 81, a UDP one on 5353), on a kernel with IPVS. */
function farm(): Plan {
  const text = readFileSync(join('examples', 'web-farm.yaml'), 'utf8').replace(
    '      - { kind: tcp-proxy,',
    '      - { kind: load-balancer, name: sticky, vip: 198.51.100.80, port: 81, scheduler: sh, backends: [{ address: 10.0.1.11, port: 80 }, { address: 10.0.1.12, port: 80 }] }\n' +
      '      - { kind: load-balancer, name: dns-lb, vip: 198.51.100.80, port: 5353, protocol: udp, scheduler: wrr, backends: [{ address: 10.0.1.11, port: 53, weight: 3 }, { address: 10.0.1.12, port: 53 }] }\n' +
      '      - { kind: tcp-proxy,',
  );
  const r = loadDesign(text, 'farm.yaml');
  if (!r.design) throw new Error(r.errors.map((e) => e.message).join('; '));
  return compile({ ...r.design, name: 'golden' }, { strategy: 'faithful', capabilities: PRESETS.full! });
}

const plan = farm();
const lvs = 'vn-golden-lvs';
const services = plan.objects.filter((o): o is IpvsObj => o.kind === 'ipvs');

// What `ipvsadm -Sn` prints for the table up loads (services sorted by protocol, address, port;
// each followed by its real servers).
const UP = `-A -t 198.51.100.80:80 -s rr
-a -t 198.51.100.80:80 -r 10.0.1.11:80 -m -w 1
-a -t 198.51.100.80:80 -r 10.0.1.12:80 -m -w 1
-A -t 198.51.100.80:81 -s sh
-a -t 198.51.100.80:81 -r 10.0.1.11:80 -m -w 1
-a -t 198.51.100.80:81 -r 10.0.1.12:80 -m -w 1
-A -u 198.51.100.80:5353 -s wrr
-a -u 198.51.100.80:5353 -r 10.0.1.11:53 -m -w 3
-a -u 198.51.100.80:5353 -r 10.0.1.12:53 -m -w 1
`;

const drift = (text: string, code = 0, stderr = ''): Drift[] => {
  const out: Drift[] = [];
  ipvsDrift(lvs, services, { code, stdout: text, stderr }, out);
  return out;
};
const lines = (t: string, ...drop: string[]): string => t.split('\n').filter((l) => !drop.includes(l)).join('\n');
const swap = (t: string, from: string, to: string): string => {
  expect(t).toContain(from);
  return t.replace(from, to);
};

describe('ipvsadm -Sn, read', () => {
  it('services with their options and real servers, by key; IPv6 and firewall marks; unknown words kept', () => {
    const { services: s, unread } = parseIpvsSave(
      '-A -u 198.51.100.80:53 -s wrr -p 300 -M 255.255.255.0 --pe sip -b sh-fallback,sh-port ops\n' +
        '-a -u 198.51.100.80:53 -r 10.0.1.11:53 -m -w 2\n' +
        '-A -t [2001:db8::80]:80 -s rr\n' +
        '-a -t [2001:db8::80]:80 -r [2001:db8::11]:8080 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n' +
        '-A -f 5 -6 -s lc\n-a -f 5 -6 -r [2001:db8::12]:0 -g -w 0\n-A -f 7 -s rr\n' +
        'garbage\n',
    );
    expect([...s.keys()]).toEqual(['udp 198.51.100.80:53', 'tcp [2001:db8::80]:80', 'fwmark 5 ipv6', 'fwmark 7']);
    expect(s.get('udp 198.51.100.80:53')).toEqual({ key: 'udp 198.51.100.80:53', spec: '-u 198.51.100.80:53', scheduler: 'wrr', persistent: 300, netmask: '255.255.255.0', pe: 'sip', flags: 'sh-fallback,sh-port', ops: true, servers: [{ server: '10.0.1.11:53', forward: 'masq', weight: 2 }] });
    expect(s.get('tcp [2001:db8::80]:80')!.servers).toEqual([{ server: '[2001:db8::11]:8080', forward: 'tunnel', weight: 1, other: '--tun-type gue --tun-port 6080 --tun-nocsum' }]);
    expect(s.get('fwmark 5 ipv6')).toMatchObject({ spec: '-f 5 -6', scheduler: 'lc', servers: [{ server: '[2001:db8::12]:0', forward: 'route', weight: 0 }] });
    expect(unread).toEqual(['garbage']);
  });

  it('the table up loads (renderIpvs, without its -C) reads back as the plan: no drift', () => {
    expect(renderIpvs(services).replace(/^-C\n/, '')).toBe(UP);
    expect(drift(UP)).toEqual([]);
    expect(drift('')).toHaveLength(3);
  });
});

// The format above is the one this machine's ipvsadm prints: its save (-S) format strings are
// in the binary (it cannot run here: no ip_vs). A newer ipvsadm that printed otherwise fails this.
const IPVSADM = ['/usr/sbin/ipvsadm', '/sbin/ipvsadm'].find((f) => existsSync(f));
describe.skipIf(!IPVSADM)(`the installed ipvsadm's save format${IPVSADM ? '' : ' (skipped: ipvsadm is not installed)'}`, () => {
  it('prints services, options and real servers in the words the reader knows', () => {
    const bin = readFileSync(IPVSADM!).toString('latin1');
    // Each format as compiled in, with its end: NUL, or a newline then NUL.
    for (const f of ['-A %s -s %s\0', ' -p %u\0', ' -M %s\0', ' --pe %s\0', ' ops\0', '-f %d -6\0', '-a %s -r %s %s -w %d\n\0', '-a %s -r %s %s -w %d --tun-type %s --tun-port %d %s\n\0', '%s%s%s:%u\0']) expect(bin, JSON.stringify(f)).toContain(f);
  });
});

describe('IPVS drift', () => {
  it('a real server deleted (ipvsadm -d): its service differs, naming the load balancer and its realizes', () => {
    const d = drift(lines(UP, '-a -t 198.51.100.80:80 -r 10.0.1.12:80 -m -w 1'));
    expect(d).toEqual([{ kind: 'different', what: 'ipvs', object: `${lvs} ipvs tcp 198.51.100.80:80`, detail: 'load balancer web: real server 10.0.1.12:80 missing', namespace: lvs, key: 'tcp 198.51.100.80:80', realizes: ['service:lvs/0'], ipvs: { add: ['10.0.1.12:80'] } }]);
  });

  it('a real server edited (ipvsadm -e -g -w 5), another added, the scheduler changed and persistence set (ipvsadm -E)', () => {
    let t = swap(UP, '-a -u 198.51.100.80:5353 -r 10.0.1.11:53 -m -w 3', '-a -u 198.51.100.80:5353 -r 10.0.1.11:53 -g -w 5');
    t = swap(t, '-a -u 198.51.100.80:5353 -r 10.0.1.12:53 -m -w 1', '-a -u 198.51.100.80:5353 -r 10.0.1.12:53 -m -w 1\n-a -u 198.51.100.80:5353 -r 10.0.1.99:53 -m -w 1');
    t = swap(t, '-A -t 198.51.100.80:81 -s sh', '-A -t 198.51.100.80:81 -s rr -p 300');
    expect(drift(t).map((x) => [x.kind, x.key, x.detail, x.ipvs])).toEqual([
      ['different', 'tcp 198.51.100.80:81', 'load balancer sticky: scheduler rr (planned sh); persistent 300 s (planned not persistent)', { service: true }],
      ['different', 'udp 198.51.100.80:5353', 'load balancer dns-lb: real server 10.0.1.11:53 forwards by route (planned masq), weight 5 (planned 3); real server 10.0.1.99:53 not in the plan', { edit: ['10.0.1.11:53'], remove: ['10.0.1.99:53'] }],
    ]);
  });

  it('a service deleted (ipvsadm -D) is missing; one added by hand (-A), a firewall-mark one too, are extra, without realizes', () => {
    let t = lines(UP, '-A -t 198.51.100.80:80 -s rr', '-a -t 198.51.100.80:80 -r 10.0.1.11:80 -m -w 1', '-a -t 198.51.100.80:80 -r 10.0.1.12:80 -m -w 1');
    t += '-A -t 198.51.100.80:443 -s rr\n-a -t 198.51.100.80:443 -r 10.0.1.11:443 -m -w 1\n-A -f 5 -s rr\n';
    expect(drift(t).map((x) => [x.kind, x.object, x.detail, x.realizes])).toEqual([
      ['missing', `${lvs} ipvs tcp 198.51.100.80:80`, 'load balancer web: IPVS virtual service missing (2 real server(s) planned)', ['service:lvs/0']],
      ['extra', `${lvs} ipvs tcp 198.51.100.80:443`, 'IPVS virtual service not in the plan (1 real server(s))', undefined],
      ['extra', `${lvs} ipvs fwmark 5`, 'IPVS virtual service not in the plan (0 real server(s))', undefined],
    ]);
  });

  it('a table ipvsadm cannot read: every planned service missing, saying why', () => {
    const d = drift('', 2, "modprobe: FATAL: Module ip_vs not found in directory /lib/modules/6.18.44\nCan't initialize ipvs: Protocol not available\nAre you sure that IP Virtual Server is built in the kernel or as module?\n");
    expect(d.map((x) => `${x.kind} ${x.key}: ${x.detail}`)).toEqual([
      "missing tcp 198.51.100.80:80: load balancer web: IPVS table unreadable (ipvsadm -Sn: Can't initialize ipvs: Protocol not available); 2 real server(s) planned",
      "missing tcp 198.51.100.80:81: load balancer sticky: IPVS table unreadable (ipvsadm -Sn: Can't initialize ipvs: Protocol not available); 2 real server(s) planned",
      "missing udp 198.51.100.80:5353: load balancer dns-lb: IPVS table unreadable (ipvsadm -Sn: Can't initialize ipvs: Protocol not available); 2 real server(s) planned",
    ]);
  });

  it('status reads the table in the director only, after its nft listing, and labDrift compares it', () => {
    const q = queries(plan);
    const asked = [...q.values()].filter((x) => x.commands?.some((c) => c.join(' ') === IPVS_SAVE_ARGV.join(' ')));
    expect(asked.map((x) => x.namespace)).toEqual([lvs]);
    const cmds = q.get(lvs)!.commands!;
    expect(cmds.at(-1)).toEqual(IPVS_SAVE_ARGV);
    // Every namespace as planned would be read; only the director's commands matter here.
    const namespaces = new Map<string, SeenNamespace | undefined>();
    for (const [ns, x] of q) {
      if (ns === null) continue;
      namespaces.set(ns, { links: [], addresses: [], routes: [], tables: [], sysctls: {}, txcsum: {}, commands: (x.commands ?? []).map((c) => ({ code: 0, stdout: c[0] === 'ipvsadm' ? lines(UP, '-a -t 198.51.100.80:81 -r 10.0.1.11:80 -m -w 1') : '', stderr: '' })) });
    }
    const obs: LabObservation = { owned: { namespaces: [...namespaces.keys()], rootLinks: [], ovsBridges: [], listed: [] }, namespaces, ovsUp: false, flows: new Map(), hosts: new Map(), daemons: new Map() };
    expect(labDrift(plan, obs).filter((d) => d.what === 'ipvs').map((d) => `${d.kind} ${d.object}: ${d.detail}`)).toEqual([`different ${lvs} ipvs tcp 198.51.100.80:81: load balancer sticky: real server 10.0.1.11:80 missing`]);
  });
});

describe('verify', () => {
  it('a failed connection through the VIP is explained by the drifted IPVS service on its path', () => {
    const d = drift(lines(UP, '-a -t 198.51.100.80:80 -r 10.0.1.12:80 -m -w 1'));
    const checks = [check('tcp', 'client', 'lvs 198.51.100.80:80 -> web2:80', true, false), check('ping', 'web1', 'web2', true, false)];
    diagnose(checks, plan, d);
    expect(checks[0]!.explanation).toEqual([`${lvs} ipvs tcp 198.51.100.80:80: load balancer web: real server 10.0.1.12:80 missing`]);
    expect(checks[1]!.explanation![0]).toMatch(/^no drift on this pair's path/);
  });
});

describe('IPVS repair (golden ipvsadm lines)', () => {
  const repair = (name: string, text: string) => async () => {
    const d = drift(text);
    const r = repairSteps(plan, d);
    expect(r.repaired).toEqual(d);
    // One ipvsadm -R in the director, nothing else.
    expect(r.steps.map((s) => ('argv' in s ? s.argv.join(' ') : '?'))).toEqual([`nsenter --net=/var/run/netns/${lvs} -- ipvsadm -R`]);
    await golden(join('test/golden/repair', `ipvs-${name}.sh`), r.steps.map((s) => stepText(plan.lab, s)).join('\n') + '\n');
  };
  it('a real server deleted: only it is added again', repair('server-deleted', lines(UP, '-a -t 198.51.100.80:80 -r 10.0.1.12:80 -m -w 1')));
  it('a real server edited, one added, a service edited: -e, -d, -E', repair('edited', swap(swap(swap(UP, '-a -u 198.51.100.80:5353 -r 10.0.1.11:53 -m -w 3', '-a -u 198.51.100.80:5353 -r 10.0.1.11:53 -g -w 5'), '-a -u 198.51.100.80:5353 -r 10.0.1.12:53 -m -w 1', '-a -u 198.51.100.80:5353 -r 10.0.1.12:53 -m -w 1\n-a -u 198.51.100.80:5353 -r 10.0.1.99:53 -m -w 1'), '-A -t 198.51.100.80:81 -s sh', '-A -t 198.51.100.80:81 -s rr -p 300')));
  it('a service deleted comes back whole; services not in the plan go', repair('services', lines(UP, '-A -t 198.51.100.80:80 -s rr', '-a -t 198.51.100.80:80 -r 10.0.1.11:80 -m -w 1', '-a -t 198.51.100.80:80 -r 10.0.1.12:80 -m -w 1') + '-A -t 198.51.100.80:443 -s rr\n-A -f 5 -6 -s rr\n'));
  it('no drift, no step', () => expect(repairSteps(plan, drift(UP)).steps).toEqual([]));
  it('a service that still differs after the repair (ipvsadm -R: the last line\'s status only) is left, not repaired', () => {
    const before = drift(lines(UP, '-a -t 198.51.100.80:80 -r 10.0.1.12:80 -m -w 1', '-a -t 198.51.100.80:81 -r 10.0.1.12:80 -m -w 1'));
    const r = repairSteps(plan, before);
    const after = drift(lines(UP, '-a -t 198.51.100.80:81 -r 10.0.1.12:80 -m -w 1'));
    const settled = ipvsStillDrifted('golden', r, after);
    expect(settled.repaired.map((d) => d.key)).toEqual(['tcp 198.51.100.80:80']);
    expect(settled.left.map((l) => `${l.drift.key}: ${l.why}`)).toEqual([`tcp 198.51.100.80:81: ipvsadm did not change it; see "vnetmap status golden" and ipvsadm -Ln in ${lvs}`]);
  });
});
