// Runs an exported bash script (`vnetmap up --script`) where it can change nothing, and records
// every program it starts. Every program the script may call is a stub on PATH that logs its
// argv and standard input and succeeds (`id -u` prints 0; `mkdir` also makes the directory, so
// that bash's own `cat > /etc/netns/NS/hosts` redirections find it); any other command name
// reaches an exported command_not_found_handle, which logs it too.
//
// Where it runs: a new mount and network namespace (unshare), with /etc under an overlay whose
// upper layer is the test's own directory (so the hosts files the script writes can be read
// back, and anything else written to /etc shows up), tmpfs over /tmp, /var/tmp, /dev/shm,
// /run/vnetmap and /var/run/netns, as user nobody without capabilities. Even a script that
// runs an injected command can only write into that directory and those tmpfs mounts.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderSteps } from '../../src/render/render.js';
import { isFile, isSpawn } from '../../src/render/steps.js';
import type { Plan } from '../../src/plan/types.js';

export interface Call {
  argv: string[];
  stdin: string;
}

export interface SandboxRun {
  code: number;
  calls: Call[];
  /** Command names bash found no program for. */
  notFound: string[];
  stdout: string;
  stderr: string;
  /** Files the script wrote under /etc, by path (e.g. /etc/netns/NS/hosts). */
  files: Map<string, string>;
}

/** Everything the rendered script may start. */
const PROGRAMS = ['ip', 'nsenter', 'bridge', 'nft', 'ovs-vsctl', 'ovs-ofctl', 'ethtool', 'sysctl', 'mkdir', 'rm', 'ln', 'cat', 'id'];

const STUB = `#!/bin/bash
in=$(/usr/bin/base64 -w0)
printf '%s %s\\n' "$(printf '%s\\0' "\${0##*/}" "$@" | /usr/bin/base64 -w0)" "$in" >> "$VNETMAP_STUB_LOG"
case "\${0##*/}" in
  id) echo 0 ;;
  mkdir) exec /bin/mkdir "$@" ;;
  cat) printf '%s' "$in" | /usr/bin/base64 -d ;;
esac
exit 0
`;

/** Run as root inside the new namespaces; $1 is the test's directory. */
const SETUP = `set -e
W=$1
mount -t overlay overlay -o lowerdir=/etc,upperdir=$W/up,workdir=$W/work /etc
mkdir -p /etc/netns && chmod 1777 /etc/netns
mkdir -p /run/vnetmap && mount -t tmpfs -o mode=755 tmpfs /run/vnetmap
mkdir /run/vnetmap/box && mount --bind "$W" /run/vnetmap/box
for d in /tmp /var/tmp /dev/shm /var/run/netns; do if [ -d $d ]; then mount -t tmpfs -o mode=1777 tmpfs $d; fi; done
B=/run/vnetmap/box
set +e
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all -- /usr/bin/env -i PATH=$B/stubs VNETMAP_STUB_LOG=$B/out/log \\
  'BASH_FUNC_command_not_found_handle%%=() { printf "NOTFOUND %s\\n" "$1" >> "$VNETMAP_STUB_LOG"; return 127; }' \\
  /bin/bash $B/script.sh up < /dev/null > $B/out/stdout 2> $B/out/stderr
echo $? > $B/out/code
`;

export const sandboxAvailable: boolean = (() => {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('unshare', ['--mount', '--net', '--propagation', 'private', '--', '/bin/true'], { stdio: 'ignore' });
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    return readFileSync('/proc/filesystems', 'utf8').includes('overlay');
  } catch {
    return false;
  }
})();

export function runSandboxed(script: string): SandboxRun {
  const w = mkdtempSync(join(tmpdir(), 'vnetmap-sandbox-'));
  try {
    chmodSync(w, 0o755);
    for (const d of ['stubs', 'up', 'work', 'out']) mkdirSync(join(w, d));
    chmodSync(join(w, 'out'), 0o777);
    writeFileSync(join(w, 'stubs', '_stub'), STUB, { mode: 0o755 });
    for (const p of PROGRAMS) symlinkSync('_stub', join(w, 'stubs', p));
    writeFileSync(join(w, 'script.sh'), script, { mode: 0o644 });
    const r = spawnSync('unshare', ['--mount', '--net', '--propagation', 'private', '--', '/bin/sh', '-c', SETUP, 'sh', w], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`sandbox setup failed (${r.status}): ${r.stderr}`);
    const read = (f: string) => (existsSync(join(w, 'out', f)) ? readFileSync(join(w, 'out', f), 'utf8') : '');
    const calls: Call[] = [];
    const notFound: string[] = [];
    for (const line of read('log').split('\n').filter(Boolean)) {
      if (line.startsWith('NOTFOUND ')) notFound.push(line.slice(9));
      else {
        const [a, i = ''] = line.split(' ');
        calls.push({ argv: Buffer.from(a!, 'base64').toString('utf8').split('\0').slice(0, -1), stdin: Buffer.from(i, 'base64').toString('utf8') });
      }
    }
    return { code: Number(read('code').trim()), calls, notFound, stdout: read('stdout'), stderr: read('stderr'), files: filesUnder(join(w, 'up'), '/etc') };
  } finally {
    rmSync(w, { recursive: true, force: true });
  }
}

/** Every file in the overlay's upper layer, by the path it had under /etc. */
function filesUnder(dir: string, as: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) for (const [k, v] of filesUnder(p, `${as}/${e}`)) out.set(k, v);
    else out.set(`${as}/${e}`, readFileSync(p, 'utf8'));
  }
  return out;
}

/** What running the plan's script must do: exactly these programs, in this order, and these files. */
export function expectedRun(plan: Plan): { calls: Call[]; files: Map<string, string> } {
  const calls: Call[] = [{ argv: ['id', '-u'], stdin: '' }];
  const files = new Map<string, string>();
  for (const s of renderSteps(plan)) {
    // The sandbox has no stubs for what starts a daemon (setsid, seq, sleep): callers leave such plans out.
    if (isSpawn(s)) throw new Error(`expectedRun: ${s.why}: the sandbox cannot run daemons; leave out plans that start them`);
    if (!isFile(s)) {
      calls.push({ argv: s.argv, stdin: s.input ?? '' });
      continue;
    }
    const dir = s.path.slice(0, s.path.lastIndexOf('/'));
    calls.push({ argv: ['mkdir', '-p', dir], stdin: '' });
    if (typeof s.content === 'string') {
      calls.push({ argv: ['rm', '-f', s.path], stdin: '' }, { argv: ['cat'], stdin: s.content });
      files.set(s.path, s.content);
    } else {
      calls.push({ argv: ['ln', '-f', s.content.sameAs, s.path], stdin: '' });
      // The ln stub links nothing: the file stays as the mkdir left its directory.
    }
  }
  return { calls, files };
}
