// A node's exec: commands, run once after up built its namespace: in design order within a
// node, nodes side by side, each bounded in time. A failure does not undo the lab (the twin is
// built; a workload's command failed): it is reported with the command, its exit and its stderr.
import { enterNs } from '../exec/netns.js';
import type { Runner } from '../exec/runner.js';
import type { ExecObj, Plan } from '../plan/types.js';

/** Each command's time limit. */
export const EXEC_TIMEOUT_MS = 60_000;

export interface ExecOutcome {
  node: string;
  ref: string;
  argv: string[];
  code: number | null;
  /** The end of its output, for a failure's message. */
  stderr: string;
  ms: number;
}

/** Run the exec commands of the namespaces in `created`; every outcome, failures included. */
export async function runExecs(plan: Plan, created: ReadonlySet<string>, runner: Runner): Promise<ExecOutcome[]> {
  const byNode = new Map<string, ExecObj[]>();
  for (const o of plan.objects) if (o.kind === 'exec' && created.has(o.namespace)) byNode.set(o.node, [...(byNode.get(o.node) ?? []), o]);
  const out = await Promise.all(
    [...byNode.values()].map(async (cmds) => {
      const done: ExecOutcome[] = [];
      for (const c of cmds) {
        const t0 = Date.now();
        let r: { code: number | null; stdout: string; stderr: string };
        try {
          r = await runner.run([...enterNs(c.namespace), ...c.argv], { allowFail: true, timeoutMs: EXEC_TIMEOUT_MS });
        } catch (e) {
          r = { code: null, stdout: '', stderr: (e as Error).message };
        }
        done.push({ node: c.node, ref: c.realizes[0]!, argv: c.argv, code: r.code, stderr: (r.stderr || r.stdout).trim().split('\n').slice(-3).join('\n'), ms: Date.now() - t0 });
      }
      return done;
    }),
  );
  return out.flat();
}

/** One line for a failed command: where, what, how it ended, what it said. */
export function execFailure(o: ExecOutcome): string {
  const how = o.code === null ? `did not finish (killed after ${EXEC_TIMEOUT_MS / 1000} s or could not start)` : `exited with ${o.code}`;
  return `exec on ${o.node} (${o.ref}) ${JSON.stringify(o.argv.join(' '))} ${how}${o.stderr ? `: ${o.stderr.replace(/\n/g, ' | ')}` : ''}`;
}
