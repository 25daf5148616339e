// The `vnetmap` executable (dist/vnetmap.mjs, built from this file by scripts/bundle.ts): runs
// the bundled CLI, dist/cli.cjs, with V8's code cache for it when there is a matching one.
//
// Why: every command is a fresh process, and compiling the 1.5 MB bundle's functions on first
// call was ~0.1 s of each (`vnetmap --version` 0.17 s -> 0.13 s here). The build writes the
// cache (dist/cli.cjs.v8cache) after a warm-up run; nothing writes it at run time. V8 checks a
// cache only against the source's length and its own version, not its contents, so the file
// starts with the SHA-1 of the source it was made from and of the data; a cache that does not
// match is not handed to V8, and the bundle is simply compiled as usual.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script, constants } from 'node:vm';

const dir = dirname(fileURLToPath(import.meta.url));
const file = join(dir, 'cli.cjs');
const cacheFile = `${file}.v8cache`;
const source = readFileSync(file, 'utf8');

const sha1 = (b: string | Buffer): Buffer => createHash('sha1').update(b).digest();
const hash = sha1(source);

/** The cache: SHA-1 of the source it is for, SHA-1 of the data (V8 does not check it), the data. */
let cachedData: Buffer | undefined;
try {
  const c = readFileSync(cacheFile);
  const data = c.subarray(2 * hash.length);
  if (c.subarray(0, hash.length).equals(hash) && c.subarray(hash.length, 2 * hash.length).equals(sha1(data))) cachedData = data;
} catch {
  // no cache: compile as usual
}

// The same wrapper Node puts around a CommonJS module; the shebang line is not JavaScript.
const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source.replace(/^#!.*/, '')}\n});`;
const script = new Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}), importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
if (process.env.VNETMAP_DEBUG) process.stderr.write(`vnetmap: code cache ${!cachedData ? 'absent or stale' : script.cachedDataRejected ? 'rejected by V8' : 'used'}\n`);
const module = { exports: {} };
(script.runInThisContext() as (...a: unknown[]) => void).call(module.exports, module.exports, createRequire(file), module, file, dir);

// The build's warm-up run: save what V8 compiled, for the commands to come.
if (process.env.VNETMAP_WRITE_CODE_CACHE === '1') {
  process.once('exit', () => {
    const data = script.createCachedData();
    writeFileSync(cacheFile, Buffer.concat([hash, sha1(data), data]));
  });
}
