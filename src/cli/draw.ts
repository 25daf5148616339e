// vnetmap draw FILE: the design and its Linux twin side by side, as SVG, a self-contained HTML
// page (hover highlights counterparts), Mermaid or Graphviz. The twin is the one `up` would
// build here: like `up`, it probes this kernel unless --capabilities names a preset, and the
// twin's heading says which capabilities it assumed.
import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Command, Option } from 'commander';
import type { DrawFormat, GroupMode, Side } from '../diagram/draw.js';
import { UserError } from '../errors.js';
import { MACVLAN_MODES, STRATEGIES, type MacvlanMode, type Strategy } from '../model/limits.js';
import { loadDesignFile } from '../model/load.js';
import { PRESET_NAMES } from '../plan/capabilities.js';
import { designArg } from './find-design.js';
import { resolveCapabilities } from './plan.js';
import { ENGINES } from '../engines/engine.js';
import { checkEngineOptions, engineNamed } from '../engines/index.js';

interface Opts {
  strategy?: Strategy;
  macvlanMode?: MacvlanMode;
  capabilities: string;
  vms: 'netns' | 'qemu';
  output?: string;
  format?: DrawFormat;
  side: Side;
  trace?: string[];
  tracePort?: string;
  group: GroupMode;
  engine: string;
  chassis?: string;
}

const FORMATS: DrawFormat[] = ['svg', 'html', 'mmd', 'dot'];

export function formatOf(output: string | undefined, format: DrawFormat | undefined): DrawFormat {
  if (format) return format;
  if (!output) return 'svg';
  const ext = extname(output).slice(1).toLowerCase();
  const f = ext === 'htm' ? 'html' : ext === 'gv' ? 'dot' : ext === 'mermaid' ? 'mmd' : ext;
  if (!FORMATS.includes(f as DrawFormat)) throw new UserError(`cannot tell the format of "${output}"; name it .svg, .html, .mmd or .dot, or pass --format.`);
  return f as DrawFormat;
}

export function register(program: Command): void {
  program
    .command('draw')
    .description('draw the design and its Linux twin side by side (SVG, HTML, Mermaid or Graphviz)')
    .argument('[file]', "design file (YAML); default: this directory's")
    .addOption(new Option('--strategy <s>', "mapping strategy (default: the design's mapping.strategy)").choices([...STRATEGIES]))
    .addOption(new Option('--macvlan-mode <m>', 'macvtap strategy: mode for every server').choices([...MACVLAN_MODES]))
    .option('--capabilities <c>', `probe this kernel (default, as up does), or plan for a preset: ${PRESET_NAMES.join(', ')}`, 'probe')
    .addOption(new Option('--vms <how>', 'VMs as namespaces, or TAP/macvtap devices for QEMU').choices(['netns', 'qemu']).default('netns'))
    .addOption(new Option('--side <side>', 'which side to draw').choices(['design', 'twin', 'both']).default('both'))
    .option('-o, --output <file>', 'write here; the extension picks the format (.svg .html .mmd .dot); default: SVG on stdout')
    .addOption(new Option('--format <f>', 'output format, overriding the extension').choices(FORMATS))
    .option('--trace <endpoints...>', 'overlay the path of a packet: SRC DST (names, refs or addresses)')
    .option('--trace-port <port>', 'with --trace: a TCP packet to this port instead of a ping')
    .addOption(
      new Option('--group <when>', 'draw 8 or more identical hosts on one switch as one group box (HTML: click it to list them): auto = above 300 boxes')
        .choices(['auto', 'always', 'never'])
        .default('auto'),
    )
    .addOption(new Option('--engine <e>', 'the twin of this engine: kernel (Linux objects) or ovn (logical switches and routers over chassis)').choices([...ENGINES]).default('kernel'))
    .option('--chassis <n>', 'with --engine ovn: how many chassis to simulate')
    .action(async (given: string | undefined, opts: Opts) => {
      const file = designArg(given, 'draw');
      const loaded = loadDesignFile(file);
      if (!loaded.design) throw new UserError(`${file} has ${loaded.errors.length} error(s); fix them first (vnetmap validate ${file}).`, loaded.errors);
      const format = formatOf(opts.output, opts.format);
      checkEngineOptions(opts);
      const engine = engineNamed(opts.engine);
      if (opts.trace && engine.graph) throw new UserError(`--trace draws a packet through Linux objects; the ${engine.name} engine draws its twin its own way: use "vnetmap expect --engine ${engine.name}" for what reaches what.`);
      const twin = opts.side === 'design' ? undefined : engine.compile(loaded.design, engine.request(loaded.design, await resolveCapabilities(opts.capabilities), opts));
      // The engine's own picture of its twin, or the diagram of its Linux objects.
      const own = twin && engine.graph ? engine.graph(twin, loaded.design) : undefined;
      const plan = twin && !own ? engine.probed(twin) : undefined;
      let trace: { from: string; to: string; tcpPort?: number } | undefined;
      if (opts.trace) {
        if (opts.trace.length !== 2) throw new UserError('--trace takes two endpoints: SRC DST (for example --trace pc1 internet).');
        const port = opts.tracePort === undefined ? undefined : Number(opts.tracePort);
        if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new UserError(`--trace-port must be a TCP port (1-65535), not "${opts.tracePort}".`);
        trace = { from: opts.trace[0]!, to: opts.trace[1]!, ...(port !== undefined ? { tcpPort: port } : {}) };
      }
      // Loaded on demand: elkjs is a large bundle every other command would pay for at start-up.
      const { draw } = await import('../diagram/draw.js');
      const text = await draw(loaded.design, plan, format, opts.side, trace, { group: opts.group, ...(own ? { twin: own } : {}) });
      if (opts.output) {
        writeFileSync(opts.output, text);
        process.stderr.write(`vnetmap: wrote ${opts.output} (${format}, ${opts.side === 'both' ? 'design and twin' : opts.side})\n`);
      } else process.stdout.write(text);
      process.exitCode = 0;
    });
}
