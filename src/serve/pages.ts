// The pages of `vnetmap serve`: a list of the running labs, and one page per lab with its
// design and twin side by side (the same panes as `draw --format html`), an action bar (ping,
// trace, capture from the node clicked; verify) and the live status. Scripts and styles come
// from /static, so the page works with a Content-Security-Policy of 'self' only.
import { layouts } from '../diagram/draw.js';
import { engineNamed, labLabel } from '../engines/index.js';
import { diagramFragment } from '../diagram/html.js';
import { composeSvg, esc } from '../diagram/svg.js';
import type { LabState } from '../apply/state.js';
import { LIMITS, labDesign } from './actions.js';

function page(title: string, body: string, lab?: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(title)} - vnetmap serve</title>`,
    '<link rel="stylesheet" href="/static/diagram.css"><link rel="stylesheet" href="/static/serve.css">',
    '<link rel="icon" href="data:,">',
    `</head><body${lab ? ` data-lab="${esc(lab)}"` : ''}>`,
    body,
    '<script src="/static/diagram.js"></script><script src="/static/serve.js"></script>',
    '</body></html>',
    '',
  ].join('\n');
}

export function indexPage(labs: { lab: string; strategy: string; appliedAt: string }[]): string {
  const items = labs.map((l) => `<li><a href="/lab/${encodeURIComponent(l.lab)}">${esc(l.lab)}</a> · ${esc(l.strategy)} · up since ${esc(l.appliedAt)}</li>`);
  return page(
    'labs',
    `<header><h1>vnetmap: running labs</h1><p>${labs.length ? 'Open a lab to see its design and twin, live status and drift.' : 'No lab is running; build one with "vnetmap up FILE".'}</p></header>` +
      `<ul class="labs">${items.join('')}</ul>`,
  );
}

/** Diagrams are laid out once per lab and `up` (appliedAt): ELK takes seconds for big labs. */
const cache = new Map<string, { appliedAt: string; svgs: string[] }>();

export async function labPage(st: LabState): Promise<string> {
  let hit = cache.get(st.lab);
  if (hit?.appliedAt !== st.appliedAt) {
    const design = labDesign(st);
    // Without its design file (moved or broken since up), the twin alone.
    // The twin as its engine draws it (an OVN lab's: logical switches and routers over chassis).
    const engine = engineNamed(st.engine);
    const plan = engine.planOf(st);
    const ls = design ? await layouts(design, engine.probed(plan), 'both', undefined, engine.graph ? { twin: engine.graph(plan, design) } : {}) : [];
    hit = { appliedAt: st.appliedAt, svgs: ls.map((l) => composeSvg([l])) };
    cache.set(st.lab, hit);
  }
  const f = diagramFragment(hit.svgs);
  const num = (id: string, max: number, v: number) => `<input id="${id}" type="number" min="1" max="${max}" value="${v}">`;
  const bar = [
    '<div class="vn-bar">',
    `<span>node: <span id="vn-selected">click one</span></span>`,
    `<fieldset><legend>ping</legend>to <select id="vn-to"></select> ×${num('vn-count', LIMITS.pingCount, 3)}<button type="button" id="vn-ping" class="vn-act" disabled>ping</button></fieldset>`,
    `<fieldset><legend>trace (offline)</legend>to <select id="vn-trace-to"></select> tcp port <input id="vn-port" type="number" min="1" max="65535" placeholder="ping"><button type="button" id="vn-trace" class="vn-act" disabled>trace</button></fieldset>`,
    `<fieldset><legend>capture</legend>iface <input id="vn-iface" placeholder="first" size="6"> ≤${num('vn-ccount', LIMITS.captureCount, 10)} pkts ≤${num('vn-secs', LIMITS.captureSeconds, 5)} s<button type="button" id="vn-capture" class="vn-act" disabled>capture</button></fieldset>`,
    `<button type="button" id="vn-verify">verify (sampled)</button><button type="button" id="vn-clear">clear</button>`,
    '</div>',
  ].join('');
  return page(
    st.lab,
    `<header><h1>${esc(st.lab)} <span id="vn-status" class="vn-badge">…</span></h1><p>${esc(labLabel(st))}, up since ${esc(st.appliedAt)} · ${esc(st.designFile)} · click a node, then ping, trace or capture from it; scroll to zoom, drag to pan</p></header>` +
      bar +
      '<pre id="vn-out"></pre><pre id="vn-drift"></pre>' +
      `<main>${f.body || '<p>the design file no longer loads: no diagram.</p>'}</main>`,
    st.lab,
  );
}

export const DIAGRAM_CSS = diagramFragment([]).style;
