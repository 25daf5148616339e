// Daemons of a plan render as their files, then one start each inside the namespace (the
// runner starts it in a session of its own); the bash script starts them with setsid, and its
// down stops whatever runs in the lab's namespaces. A repair starts again exactly the drifted one.
import { describe, expect, it } from 'vitest';
import type { Drift } from '../../src/apply/drift.js';
import { compile } from '../../src/plan/compile.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import type { DaemonObj, Plan } from '../../src/plan/types.js';
import { daemonDir } from '../../src/paths.js';
import { renderSteps } from '../../src/render/render.js';
import { repairSteps } from '../../src/render/repair.js';
import { renderScript } from '../../src/render/script.js';
import { isSpawn } from '../../src/render/steps.js';
import { loadDesignFile } from '../../src/model/load.js';
import { join } from 'node:path';
import { packageRoot } from '../../src/package-root.js';

function plan(): Plan {
  const d = loadDesignFile(join(packageRoot(), 'examples', 'network-a.yaml')).design!;
  const p = compile({ ...d, name: 'golden' }, { capabilities: PRESETS.minimal! });
  const daemon: DaemonObj = { kind: 'daemon', namespace: 'vn-golden-pc1', name: 'web', argv: ['socat', 'TCP-LISTEN:80,fork', 'OPEN:{dir}/index.html,rdonly'], files: [{ name: 'index.html', content: 'hi\n' }], realizes: ['node:pc1'] };
  return { ...p, objects: [...p.objects, daemon] };
}

describe('daemons in the plan', () => {
  it('render last: files into their directory, then a start inside the namespace with {dir} filled in', () => {
    const steps = renderSteps(plan());
    const last = steps.slice(-2);
    expect(last[0]).toMatchObject({ phase: 'daemons', path: join(daemonDir('golden', 'web'), 'index.html'), content: 'hi\n' });
    expect(isSpawn(last[1]!) && last[1].spawn.argv).toEqual(['nsenter', '--net=/var/run/netns/vn-golden-pc1', '--', 'socat', 'TCP-LISTEN:80,fork', `OPEN:${daemonDir('golden', 'web')}/index.html,rdonly`]);
  });

  it('the script starts them with setsid in the background, and its down stops what runs in the namespaces', () => {
    const s = renderScript(plan());
    expect(s).toMatch(/setsid nsenter --net=\/var\/run\/netns\/vn-golden-pc1 -- socat TCP-LISTEN:80,fork \S+ <\/dev\/null >>\S+\/log 2>&1 &/);
    expect(s).toContain('ip netns pids "$ns"');
  });

  it('a repair starts again only the drifted daemon', () => {
    const drift: Drift = { kind: 'missing', what: 'daemon', object: 'daemon web', detail: 'not running', namespace: 'vn-golden-pc1', key: 'web' };
    const r = repairSteps(plan(), [drift]);
    expect(r.repaired).toEqual([drift]);
    expect(r.steps.filter(isSpawn).map((s) => s.spawn.name)).toEqual(['web']);
    expect(r.steps.filter((s) => !('spawn' in s) && !('path' in s))).toEqual([]);
  });
});
