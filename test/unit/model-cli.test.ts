// `vnetmap validate` as users run it: exit code 2 with every problem on bad input, 0 on a
// clean design, and the documented --json shape.
import { afterEach, describe, expect, it } from 'vitest';
import { runMain as run } from '../helpers/run-main.js';

describe('vnetmap validate', () => {
  // validate sets process.exitCode; never let it leak into the test runner's own exit status.
  afterEach(() => {
    process.exitCode = undefined;
  });

  it('--json on a bad design: exit 2 and { errors, warnings } with code, message, file, line, column', async () => {
    const r = await run(['validate', '--json', 'test/errors/44-port-forwards.yaml']);
    expect(r.code).toBe(2);
    const j = JSON.parse(r.out) as { errors: Record<string, unknown>[]; warnings: Record<string, unknown>[] };
    expect(Object.keys(j)).toEqual(['errors', 'warnings']);
    expect(j.errors.length).toBe(5);
    for (const p of [...j.errors, ...j.warnings]) {
      expect(Object.keys(p)).toEqual(['code', 'message', 'file', 'line', 'column']);
      expect(typeof p.message).toBe('string');
      expect(Number.isInteger(p.line) && Number.isInteger(p.column)).toBe(true);
    }
    expect(j.errors[0]).toEqual({
      code: 'E-FORWARD-DUP',
      message: expect.stringContaining('tcp port 8080 on gw wan is already taken by port-forward 1'),
      file: 'test/errors/44-port-forwards.yaml',
      line: 13,
      column: 11,
    });
  });

  it('--json on a clean example with warnings: exit 0, warnings listed', async () => {
    const r = await run(['validate', '--json', 'examples/network-b.yaml']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.errors).toEqual([]);
    expect(j.warnings.map((w: { code: string }) => w.code)).toEqual(['W-DOMAIN-MIXED', 'W-GATEWAY-UNREACHABLE']);
  });

  it('text output: problems on stderr as file:line:col, a summary per file on stdout', async () => {
    const r = await run(['validate', 'examples/network-a.yaml', 'test/errors/29-gateway-wrong.yaml']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('examples/network-a.yaml: ok (0 errors, 0 warnings)\ntest/errors/29-gateway-wrong.yaml: invalid (2 errors, 0 warnings)\n');
    expect(r.err.split('\n')[0]).toMatch(/^test\/errors\/29-gateway-wrong\.yaml:4:83: error E-GATEWAY-OFF-SUBNET: /);
  });

  it('a missing file is a user error, not a crash', async () => {
    const r = await run(['validate', '--json', 'test/errors/does-not-exist.yaml']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).errors[0].code).toBe('E-READ');
  });
});
