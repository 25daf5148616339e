// A self-contained HTML page (no external resources): the SVG sides inline, and a small
// script that, on hover, highlights every element on either side sharing a design ref —
// a design node lights up the namespace, devices and veths that realise it, and back.
import { DIAGRAM_SCRIPT } from './html-script.js';
import { esc } from './svg.js';

const STYLE = `
body { margin: 0; font-family: system-ui, sans-serif; background: #fafafa; color: #222; }
header { padding: 10px 16px; border-bottom: 1px solid #ddd; background: #fff; }
header h1 { font-size: 17px; margin: 0; } header p { margin: 4px 0 0; font-size: 13px; color: #555; }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); gap: 12px; padding: 12px; }
.vn-pane { position: relative; background: #fff; border: 1px solid #e2e2e2; border-radius: 6px; overflow: hidden; height: calc(100vh - 96px); min-height: 360px; }
.vn-pane > svg { display: block; width: 100%; height: 100%; cursor: grab; touch-action: none; }
.vn-pane > svg.dragging { cursor: grabbing; }
.vn-tools { position: absolute; top: 6px; right: 6px; display: flex; gap: 4px; }
.vn-tools button { font: 13px system-ui, sans-serif; min-width: 28px; padding: 3px 7px; border: 1px solid #ccc; border-radius: 4px; background: #fff; cursor: pointer; }
.el { transition: opacity .12s; }
.el.group { cursor: pointer; }
svg.hovering .el.node:not(.hl), svg.hovering .el.edge:not(.hl) { opacity: .28; }
.el.hl > rect.body { stroke: #e0007a !important; stroke-width: 3 !important; }
.el.hl > path.line { stroke: #e0007a !important; }
.el.domain.hl rect { stroke-width: 2.4; }
#vn-members { position: fixed; right: 16px; bottom: 16px; width: min(520px, 90vw); max-height: 60vh; overflow: auto; background: #fff; border: 1px solid #bbb; border-radius: 6px; box-shadow: 0 4px 18px rgba(0,0,0,.18); font: 12px ui-monospace, monospace; z-index: 10; }
#vn-members .head { position: sticky; top: 0; background: #f3f3f3; padding: 6px 10px; display: flex; justify-content: space-between; }
#vn-members .list { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 6px; padding: 8px; }
#vn-members .member { border: 1px solid #ccd; border-radius: 4px; padding: 4px 6px; }
#vn-members .member.hl { border-color: #e0007a; background: #fff0f7; }
`;

/** The diagram part of a page, for pages that embed the diagrams among other content. */
export interface DiagramFragment {
  /** CSS for the diagrams (hover highlighting); goes in a <style> element. */
  style: string;
  /** The SVGs, one framed <div> each. */
  body: string;
  /** The hover script; goes in a <script> element after the body. */
  script: string;
}

export function diagramFragment(svgs: string[]): DiagramFragment {
  const side = (svg: string) => /class="side (design|twin)"/.exec(svg)?.[1] ?? 'both';
  return { style: STYLE, body: svgs.map((s) => `<div class="vn-pane" data-side="${side(s)}">${s}</div>`).join('\n'), script: DIAGRAM_SCRIPT };
}

export function htmlPage(title: string, svgs: string[]): string {
  const f = diagramFragment(svgs);
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(title)} - vnetmap</title>`,
    `<style>${f.style}</style></head><body>`,
    `<header><h1>${esc(title)}</h1><p>Hover over an element to highlight what realises it on the other side; scroll to zoom, drag to pan; click a group (a stack) to list its members.</p></header>`,
    '<main>',
    ...(svgs.length ? [f.body] : []),
    '</main>',
    `<script>${f.script}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
