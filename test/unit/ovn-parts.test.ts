// The OVN engine's parts that need no root: the JSON-RPC framing and client (against a fake
// server on a unix socket), ovn-nbctl's value syntax, the gateway placement rule, and the
// pidfile check that keeps `down` from signalling a process that is not the lab's daemon.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { daemonPid } from '../../src/engines/ovn/apply/daemons.js';
import { connectOvsdb } from '../../src/engines/ovn/ovsdb/client.js';
import { JsonStream } from '../../src/engines/ovn/ovsdb/json-stream.js';
import { compileOvn } from '../../src/engines/ovn/plan/compile.js';
import { nbctlCreateArgs } from '../../src/engines/ovn/render/nbctl.js';
import { loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';

const tmp = mkdtempSync(join(tmpdir(), 'vnetmap-ovn-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('OVSDB JSON-RPC', () => {
  it('splits messages however the stream is cut, braces inside strings included', () => {
    const text = '{"id":1,"result":[{"a":"}{"}]} {"method":"echo","params":[],"id":"x"}{"id":2,"result":["\\"}"]}';
    for (const cut of [1, 3, 7, 30, text.length]) {
      const s = new JsonStream();
      const got: unknown[] = [];
      for (let i = 0; i < text.length; i += cut) got.push(...s.push(text.slice(i, i + cut)));
      expect(got).toEqual([{ id: 1, result: [{ a: '}{' }] }, { method: 'echo', params: [], id: 'x' }, { id: 2, result: ['"}'] }]);
    }
  });

  it('transacts, answers the server\'s echo, and turns a failed operation into an error naming it', async () => {
    const path = join(tmp, 'db.sock');
    const seen: unknown[] = [];
    const server = createServer((c) => {
      const s = new JsonStream();
      c.on('data', (b) => {
        for (const m of s.push(b.toString()) as { id: number; method?: string; params: unknown[] }[]) {
          seen.push(m);
          if (m.method !== 'transact') continue;
          // An echo first (the client must answer it), then the reply in two pieces.
          c.write('{"method":"echo","params":["hi"],"id":"e1"}');
          const ops = m.params.slice(1) as { op: string }[];
          const reply = JSON.stringify({ id: m.id, error: null, result: ops.map((o) => (o.op === 'bad' ? { error: 'constraint violation', details: 'no' } : { count: 1 })) });
          c.write(reply.slice(0, 5));
          setTimeout(() => c.write(reply.slice(5)), 5);
        }
      });
    }).listen(path);
    await new Promise((r) => server.once('listening', r));
    const db = await connectOvsdb(`unix:${path}`);
    await expect(db.transact('OVN_Northbound', [{ op: 'delete' }])).resolves.toEqual([{ count: 1 }]);
    await expect(db.transact('OVN_Northbound', [{ op: 'delete' }, { op: 'bad' }])).rejects.toThrow(/operation 2: .*constraint violation/);
    db.close();
    server.close();
    expect(seen).toContainEqual({ id: 'e1', result: ['hi'], error: null });
    await expect(connectOvsdb(`unix:${join(tmp, 'none.sock')}`)).rejects.toThrow(/connect/);
  });
});

it('ovn-nbctl rows: strings as JSON, sets [..], maps {k=v}, rows of the transaction @id', () => {
  expect(nbctlCreateArgs([{ table: 'Logical_Switch_Port', id: 'row1', row: { name: 'a.b', addresses: ['set', ['router']], options: ['map', [['router-port', 'x/y']]], tag: 3 } }, { table: 'Logical_Switch', id: 'row2', row: { ports: ['set', [['named-uuid', 'row1']]] } }])).toEqual([
    '--', '--id=@row1', 'create', 'Logical_Switch_Port', 'name="a.b"', 'addresses=["router"]', 'options={"router-port"="x/y"}', 'tag=3',
    '--', '--id=@row2', 'create', 'Logical_Switch', 'ports=[@row1]',
  ]);
});

it('the outside of a gateway port runs on its gateway chassis; nothing moves when it is on one chassis already', () => {
  const design = loadDesignFile('examples/network-b.yaml').design!;
  for (const n of [2, 3, 4]) {
    const plan = compileOvn(design, { capabilities: PRESETS.minimal!, chassis: n });
    const wan = plan.logical.find((o) => o.kind === 'lrp' && o.dev === 'wan');
    expect(wan?.kind === 'lrp' && wan.gatewayChassis).toBe(plan.placement.assign.internet);
    expect(plan.choices.filter((c) => c.feature.startsWith('placement '))).toEqual([]);
  }
});

it('a pidfile counts only when its process names the lab\'s directory', () => {
  const dir = join(tmp, 'chassis-1');
  const pidfile = join(tmp, 'x.pid');
  writeFileSync(pidfile, `${process.pid}\n`); // this test runner: alive, but not a daemon of that directory
  expect(daemonPid({ dir, pidfile, log: '' })).toBeUndefined();
  writeFileSync(pidfile, 'garbage');
  expect(daemonPid({ dir, pidfile, log: '' })).toBeUndefined();
  expect(daemonPid({ dir: '/', pidfile, log: '' })).toBeUndefined();
  writeFileSync(pidfile, `${process.pid}\n`);
  const own = readFileSync('/proc/self/cmdline', 'utf8').split('\0')[0]!;
  expect(daemonPid({ dir: own, pidfile, log: '' })).toBe(process.pid);
});
