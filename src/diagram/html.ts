// A self-contained HTML page (no external resources): the SVG sides inline, and a small
// script that, on hover, highlights every element on either side sharing a design ref —
// a design node lights up the namespace, devices and veths that realise it, and back.
import { esc } from './svg.js';

const STYLE = `
body { margin: 0; font-family: system-ui, sans-serif; background: #fafafa; color: #222; }
header { padding: 10px 16px; border-bottom: 1px solid #ddd; background: #fff; }
header h1 { font-size: 17px; margin: 0; } header p { margin: 4px 0 0; font-size: 13px; color: #555; }
main { display: flex; flex-wrap: wrap; gap: 16px; padding: 16px; align-items: flex-start; }
main > div { background: #fff; border: 1px solid #e2e2e2; border-radius: 6px; overflow: auto; max-width: 100%; }
.el { transition: opacity .12s; }
svg.hovering .el.node:not(.hl), svg.hovering .el.edge:not(.hl) { opacity: .28; }
.el.hl > rect.body { stroke: #e0007a !important; stroke-width: 3 !important; }
.el.hl > path.line { stroke: #e0007a !important; }
.el.domain.hl rect { stroke-width: 2.4; }
`;

// Index elements by ref once; hovering then touches only the elements that share a ref.
const SCRIPT = `
(function () {
  var els = Array.prototype.slice.call(document.querySelectorAll('.el'));
  var byRef = {};
  els.forEach(function (el) {
    (el.getAttribute('data-refs') || '').split(' ').forEach(function (r) {
      if (r) (byRef[r] = byRef[r] || []).push(el);
    });
  });
  var lit = [];
  function clear() {
    lit.forEach(function (el) { el.classList.remove('hl'); });
    lit = [];
    document.querySelectorAll('svg.hovering').forEach(function (s) { s.classList.remove('hovering'); });
  }
  els.forEach(function (el) {
    if (el.classList.contains('domain') || el.classList.contains('frame')) return;
    el.addEventListener('mouseenter', function () {
      clear();
      (el.getAttribute('data-refs') || '').split(' ').forEach(function (r) {
        if (r.indexOf('domain:') === 0) return;
        (byRef[r] || []).forEach(function (x) { if (!x.classList.contains('domain')) { x.classList.add('hl'); lit.push(x); } });
      });
      el.classList.add('hl'); lit.push(el);
      document.querySelectorAll('svg').forEach(function (s) { s.classList.add('hovering'); });
    });
    el.addEventListener('mouseleave', clear);
  });
})();
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
  return { style: STYLE, body: svgs.map((s) => `<div>${s}</div>`).join('\n'), script: SCRIPT };
}

export function htmlPage(title: string, svgs: string[]): string {
  const f = diagramFragment(svgs);
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(title)} - vnetmap</title>`,
    `<style>${f.style}</style></head><body>`,
    `<header><h1>${esc(title)}</h1><p>Hover over an element to highlight what realises it on the other side.</p></header>`,
    '<main>',
    ...(svgs.length ? [f.body] : []),
    '</main>',
    `<script>${f.script}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}
