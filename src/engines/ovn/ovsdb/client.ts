// A small OVSDB client (RFC 7047 JSON-RPC over a unix or TCP socket): `transact` and nothing
// else, which is all vnetmap needs to write a lab's Northbound rows and read back its state.
// There is no maintained OVSDB client on npm. Why not ovn-nbctl: it first downloads the whole
// database and checks each command against its copy, and its cost grows faster than the rows —
// measured here, 1,000 ports in one run 0.26 s, 4,000 ports 1.41 s; the same rows as one
// transaction over this socket 54 ms and 207 ms (BENCHMARKS.md has the table).
//
// This is vnetmap's one side effect that is not a command: a socket to a daemon vnetmap
// started, under the lab's run directory. Everything that uses it takes an `Ovsdb`, so tests
// can hand in a fake; `up --script` renders the same rows as ovn-nbctl commands instead.
import { connect, type Socket } from 'node:net';
import { ToolError } from '../../../errors.js';
import { JsonStream } from './json-stream.js';

export interface Ovsdb {
  /** One transaction; resolves with its results, rejects when an operation failed. */
  transact(db: string, ops: unknown[], timeoutMs?: number): Promise<unknown[]>;
  close(): void;
}

export type OvsdbConnect = (remote: string, timeoutMs?: number) => Promise<Ovsdb>;

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
  what: string;
}

/** A failed transaction or a lost connection, reported like a failed tool (argv: what was asked). */
export class OvsdbError extends ToolError {
  constructor(remote: string, what: string, message: string, hint?: string) {
    super(['ovsdb', remote, what], 1, message, hint);
    this.name = 'OvsdbError';
  }
}

export const connectOvsdb: OvsdbConnect = (remote, timeoutMs = 5_000) =>
  new Promise((resolve, reject) => {
    const m = /^(unix):(.+)$|^tcp:(.+):(\d+)$/.exec(remote);
    if (!m) return reject(new OvsdbError(remote, 'connect', `not a remote vnetmap can reach (unix:PATH or tcp:HOST:PORT)`));
    const sock: Socket = m[1] ? connect(m[2]!) : connect(Number(m[4]), m[3]!);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new OvsdbError(remote, 'connect', `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(new OvsdbError(remote, 'connect', e.message, 'is the lab up? ("vnetmap status LAB")'));
    });
    sock.once('connect', () => {
      clearTimeout(timer);
      resolve(new Client(remote, sock));
    });
  });

class Client implements Ovsdb {
  private next = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly stream = new JsonStream();
  private closed: Error | undefined;

  constructor(
    private readonly remote: string,
    private readonly sock: Socket,
  ) {
    sock.setNoDelay(true);
    sock.on('data', (chunk: Buffer) => {
      for (const msg of this.stream.push(chunk.toString('utf8'))) this.handle(msg as Record<string, unknown>);
    });
    const fail = (e: Error) => {
      this.closed = e;
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new OvsdbError(this.remote, p.what, e.message));
      }
      this.pending.clear();
    };
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('connection closed')));
  }

  private handle(msg: Record<string, unknown>): void {
    // The server checks that we are alive; answer as the RFC says.
    if (msg.method === 'echo') {
      this.sock.write(JSON.stringify({ id: msg.id, result: msg.params, error: null }));
      return;
    }
    const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!p) return;
    this.pending.delete(msg.id as number);
    clearTimeout(p.timer);
    if (msg.error) return p.reject(new OvsdbError(this.remote, p.what, JSON.stringify(msg.error)));
    const results = msg.result as Record<string, unknown>[];
    // A transaction's failure is a result with "error" (and the rest aborted).
    const bad = results.findIndex((r) => r && typeof r === 'object' && 'error' in r && r.error);
    if (bad >= 0) return p.reject(new OvsdbError(this.remote, p.what, `operation ${bad + 1}: ${JSON.stringify(results[bad])}${results[results.length - 1] !== results[bad] ? ` ${JSON.stringify(results[results.length - 1])}` : ''}`));
    p.resolve(results);
  }

  transact(db: string, ops: unknown[], timeoutMs = 30_000): Promise<unknown[]> {
    if (this.closed) return Promise.reject(new OvsdbError(this.remote, 'transact', this.closed.message));
    const id = this.next++;
    const what = `transact ${db} (${ops.length} operations)`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new OvsdbError(this.remote, what, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer, what });
      this.sock.write(JSON.stringify({ method: 'transact', params: [db, ...ops], id }));
    });
  }

  close(): void {
    this.sock.end();
    this.sock.destroy();
  }
}
