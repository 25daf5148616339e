import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DesignSchema } from '../../src/model/schema.js';
import { VERSION } from '../../src/version.js';

describe('foundation', () => {
  it('version matches package.json', () => {
    expect(VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('published JSON Schema is generated from the zod schema (npm run schema)', () => {
    const published = JSON.parse(readFileSync('schema/design.schema.json', 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(z.toJSONSchema(DesignSchema, { target: 'draft-7' }))));
  });

  it('every example points editors at the schema', () => {
    for (const f of readdirSync('examples').filter((x) => x.endsWith('.yaml'))) {
      expect(readFileSync(`examples/${f}`, 'utf8').split('\n')[0], f).toBe('# yaml-language-server: $schema=../schema/design.schema.json');
    }
  });
});
