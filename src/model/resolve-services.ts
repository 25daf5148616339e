// Raw `services:` and `exec:` -> resolved. Addresses, "address:port" texts and command lines
// are parsed here; a service with a part that does not parse is reported and left out whole.
import { parseIp } from './ip.js';
import { error, type Finding, type PathSeg } from './problems.js';
import type { RawCommand, RawService } from './services/index.js';
import type { ExecCommand, NodeService } from './types-services.js';

const portOk = (p: number): boolean => Number.isInteger(p) && p >= 1 && p <= 65535;

export function resolveServices(raw: RawService[], path: PathSeg[], f: Finding[]): NodeService[] {
  const out: NodeService[] = [];
  raw.forEach((s, index) => {
    const at = [...path, index];
    const name = s.name ?? `${s.kind}-${index}`;
    const bad = (key: PathSeg[], message: string, code = 'E-SVC-VALUE') => void f.push(error(code, [...at, ...key], message));
    const before = f.length;
    switch (s.kind) {
      case 'load-balancer': {
        const vip = parseIp(s.vip);
        if (vip === undefined) bad(['vip'], `vip "${s.vip}" is not an IPv4 address; write it like 192.168.1.100.`, 'E-BAD-IP');
        if (!portOk(s.port)) bad(['port'], `port ${s.port} is not a port; use 1-65535.`, 'E-PORT-RANGE');
        const backends = s.backends.flatMap((b, k) => {
          const bp = ['backends', k];
          const addr = parseIp(b.address);
          if (addr === undefined) bad([...bp, 'address'], `backend address "${b.address}" is not an IPv4 address; write it like 10.0.1.11.`, 'E-BAD-IP');
          if (b.port !== undefined && !portOk(b.port)) bad([...bp, 'port'], `backend port ${b.port} is not a port; use 1-65535.`, 'E-PORT-RANGE');
          if (b.weight !== undefined && (b.weight < 0 || b.weight > 65535)) bad([...bp, 'weight'], `weight ${b.weight} is out of range; use 0 (no new connections) to 65535.`);
          return addr === undefined ? [] : [{ addr, port: b.port ?? s.port, weight: b.weight ?? 1, path: [...at, ...bp] }];
        });
        if (!s.backends.length) bad(['backends'], `load balancer ${name} has no backends; list the real servers it spreads connections over.`, 'E-SVC-BACKENDS');
        if (f.length === before) out.push({ kind: 'load-balancer', name, index, path: at, vip: vip!, port: s.port, protocol: s.protocol ?? 'tcp', scheduler: s.scheduler ?? 'rr', mode: s.mode ?? 'nat', backends });
        break;
      }
      case 'tcp-proxy':
      case 'udp-proxy': {
        const listen = hostPort(String(s.listen), true);
        if (!listen) bad(['listen'], `listen ${JSON.stringify(s.listen)} is not a port or "address:port"; write 8080 or "10.0.0.1:8080".`, 'E-SVC-ADDRESS');
        const target = hostPort(s.target, false);
        if (!target) bad(['target'], `target "${s.target}" is not "address:port"; write it like "192.168.1.10:80".`, 'E-SVC-ADDRESS');
        if (listen && target) out.push({ kind: s.kind, name, index, path: at, ...(listen.addr !== undefined ? { listenAddr: listen.addr } : {}), listenPort: listen.port, targetAddr: target.addr!, targetPort: target.port });
        break;
      }
      case 'process': {
        const argv = commandArgv(s.run, [...at, 'run'], f);
        let port: { protocol: 'tcp' | 'udp'; port: number } | undefined;
        if (s.port !== undefined) {
          const m = /^(?:(tcp|udp)\/)?(\d+)$/i.exec(s.port.trim());
          if (!m || !portOk(Number(m[2]))) bad(['port'], `port "${s.port}" is not "tcp/PORT" or "udp/PORT"; write it like "tcp/8080" or "udp/5353" (1-65535; verify checks it is reached).`, 'E-PORT-RANGE');
          else port = { protocol: (m[1]?.toLowerCase() ?? 'tcp') as 'tcp' | 'udp', port: Number(m[2]) };
        }
        if (argv && f.length === before) out.push({ kind: 'process', name, index, path: at, argv, ...(port ? { port } : {}) });
        break;
      }
    }
  });
  return out;
}

export function resolveExec(raw: RawCommand[], path: PathSeg[], f: Finding[]): ExecCommand[] {
  return raw.flatMap((c, i) => {
    const argv = commandArgv(c, [...path, i], f);
    return argv ? [{ argv, path: [...path, i] }] : [];
  });
}

/** "addr:port" or (when `bare`) "port"; undefined when it is neither. */
function hostPort(s: string, bare: boolean): { addr?: number; port: number } | undefined {
  const m = /^(?:([\d.]+):)?(\d+)$/.exec(s.trim());
  if (!m || (!m[1] && !bare) || !portOk(Number(m[2]))) return undefined;
  if (m[1] === undefined) return { port: Number(m[2]) };
  const addr = parseIp(m[1]);
  return addr === undefined ? undefined : { addr, port: Number(m[2]) };
}

function commandArgv(c: string | string[], path: PathSeg[], f: Finding[]): string[] | undefined {
  const argv = typeof c === 'string' ? splitWords(c) : c;
  if (argv === undefined) {
    f.push(error('E-EXEC-QUOTE', path, `the command ${JSON.stringify(c)} has a quote that is never closed; close it, or write the command as a list of words.`));
    return undefined;
  }
  if (!argv.length || argv[0] === '') {
    f.push(error('E-EXEC-EMPTY', path, 'the command is empty; write the program and its arguments, e.g. "python3 -m http.server 8080".'));
    return undefined;
  }
  return argv;
}

/**
 * One command line into words as a POSIX shell splits them (single quotes, double quotes,
 * backslashes), without expanding anything: no variables, globs, pipes or redirections — the
 * words are run as they are. Undefined when a quote is left open.
 */
export function splitWords(line: string): string[] | undefined {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else cur += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) cur += line[++i];
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(cur);
  return words;
}
