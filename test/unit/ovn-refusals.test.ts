// What the OVN engine refuses about firewalls and services, each a valid design it cannot build
// faithfully (docs/ovn.md, "Firewalls and load balancers"): test/golden/ovn/refusals/NAME.yaml
// gives NAME.error.txt, the message that says what and what to do. Every design validates
// without errors (the kernel engine builds it); only the OVN engine refuses.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { ovnEngine } from '../../src/engines/ovn/index.js';
import { loadDesignFile } from '../../src/model/load.js';
import { PRESETS } from '../../src/plan/capabilities.js';
import { golden } from '../helpers/golden.js';

const DIR = 'test/golden/ovn/refusals';
const cases = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();

describe.each(cases)('the OVN engine refuses %s', (name) => {
  it('with a message that says what to do', async () => {
    const loaded = loadDesignFile(join(DIR, `${name}.yaml`));
    expect(loaded.errors).toEqual([]);
    let err: unknown;
    try {
      ovnEngine.compile(loaded.design!, { capabilities: PRESETS.minimal!, chassis: 2 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/kernel engine|use |give |leave out|put the firewall|name every backend/);
    await golden(join(DIR, `${name}.error.txt`), `${msg}\n`);
  });
});
