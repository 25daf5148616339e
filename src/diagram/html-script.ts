// The script of every diagram page (draw --format html, verify --html, serve), inline so the
// page needs nothing else. It does three things, all on plain DOM:
// - hover: highlight every element, on either side, sharing a design ref with the one hovered
//   (and dim the rest, on pages small enough for that to stay instant);
// - pan and zoom each pane (wheel or +/- zooms around the pointer, drag pans, "fit" resets) by
//   changing the SVG's viewBox, so text stays sharp at any zoom;
// - a click on a group box (collapse.ts) opens the list of its members, whose rows hover-link
//   like everything else; a click on any node is told to the page as a "vn-select" event
//   (serve's page acts on it).
export const DIAGRAM_SCRIPT = String.raw`
(function () {
  var els = Array.prototype.slice.call(document.querySelectorAll('.el'));
  var byRef = {};
  function index(el) {
    (el.getAttribute('data-refs') || '').split(' ').forEach(function (r) {
      if (r) (byRef[r] = byRef[r] || []).push(el);
    });
  }
  els.forEach(index);
  var dim = els.length <= 800;
  var lit = [];
  function clear() {
    lit.forEach(function (el) { el.classList.remove('hl'); });
    lit = [];
    document.querySelectorAll('svg.hovering').forEach(function (s) { s.classList.remove('hovering'); });
  }
  function light(el) {
    clear();
    (el.getAttribute('data-refs') || '').split(' ').forEach(function (r) {
      if (r.indexOf('domain:') === 0) return;
      (byRef[r] || []).forEach(function (x) { if (!x.classList.contains('domain')) { x.classList.add('hl'); lit.push(x); } });
    });
    el.classList.add('hl'); lit.push(el);
    // Dimming the rest restyles every element: 70-150 ms a hover on a 1,600-element page.
    if (dim) document.querySelectorAll('svg').forEach(function (s) { s.classList.add('hovering'); });
  }
  function hoverable(el) {
    if (el.classList.contains('domain') || el.classList.contains('frame')) return;
    el.addEventListener('mouseenter', function () { light(el); });
    el.addEventListener('mouseleave', clear);
  }
  els.forEach(hoverable);

  // Group members, in a panel.
  var panel = document.createElement('div');
  panel.id = 'vn-members';
  panel.hidden = true;
  document.body.appendChild(panel);
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); }
  function openGroup(el) {
    var members = JSON.parse(el.getAttribute('data-members') || '[]');
    var title = el.querySelector('text') ? el.querySelector('text').textContent : '';
    panel.innerHTML = '<div class="head"><b>' + esc(title) + '</b> <button type="button" class="close" aria-label="close">×</button></div>' +
      '<div class="list">' + members.map(function (m) {
        return '<div class="el member" data-refs="' + esc(m.r.join(' ')) + '"><b>' + esc(m.t) + '</b>' + m.l.map(function (l) { return '<br><span>' + esc(l) + '</span>'; }).join('') + '</div>';
      }).join('') + '</div>';
    panel.hidden = false;
    panel.querySelectorAll('.member').forEach(function (m) { index(m); hoverable(m); });
    panel.querySelector('.close').addEventListener('click', function () { panel.hidden = true; clear(); });
  }

  // Pan and zoom.
  document.querySelectorAll('.vn-pane').forEach(function (pane) {
    var svg = pane.querySelector('svg');
    if (!svg) return;
    var home = svg.getAttribute('viewBox').split(/[ ,]+/).map(Number);
    var vb = home.slice();
    function set() { svg.setAttribute('viewBox', vb.join(' ')); }
    function at(ev) {
      var p = svg.createSVGPoint(); p.x = ev.clientX; p.y = ev.clientY;
      var m = svg.getScreenCTM();
      return m ? p.matrixTransform(m.inverse()) : { x: vb[0] + vb[2] / 2, y: vb[1] + vb[3] / 2 };
    }
    function zoom(k, c) {
      var w = Math.min(home[2] * 4, Math.max(40, vb[2] * k));
      k = w / vb[2];
      vb = [c.x - (c.x - vb[0]) * k, c.y - (c.y - vb[1]) * k, vb[2] * k, vb[3] * k];
      set();
    }
    svg.addEventListener('wheel', function (ev) { ev.preventDefault(); zoom(ev.deltaY > 0 ? 1.2 : 1 / 1.2, at(ev)); }, { passive: false });
    var drag = null;
    svg.addEventListener('pointerdown', function (ev) { if (ev.button === 0) drag = { x: ev.clientX, y: ev.clientY, vb: vb.slice(), moved: false }; });
    window.addEventListener('pointermove', function (ev) {
      if (!drag) return;
      var dx = ev.clientX - drag.x, dy = ev.clientY - drag.y;
      if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      drag.moved = true;
      svg.classList.add('dragging');
      var r = svg.getBoundingClientRect();
      var s = Math.max(drag.vb[2] / r.width, drag.vb[3] / r.height);
      vb = [drag.vb[0] - dx * s, drag.vb[1] - dy * s, drag.vb[2], drag.vb[3]];
      set();
    });
    window.addEventListener('pointerup', function () { if (drag && drag.moved) pane.dataset.dragged = '1'; drag = null; svg.classList.remove('dragging'); });
    var tools = document.createElement('div');
    tools.className = 'vn-tools';
    tools.innerHTML = '<button type="button" data-z="in" title="zoom in">+</button><button type="button" data-z="out" title="zoom out">−</button><button type="button" data-z="fit" title="fit the whole picture">fit</button>';
    tools.addEventListener('click', function (ev) {
      var z = ev.target.getAttribute && ev.target.getAttribute('data-z');
      var c = { x: vb[0] + vb[2] / 2, y: vb[1] + vb[3] / 2 };
      if (z === 'in') zoom(1 / 1.5, c);
      else if (z === 'out') zoom(1.5, c);
      else if (z === 'fit') { vb = home.slice(); set(); }
    });
    pane.appendChild(tools);
    svg.addEventListener('click', function (ev) {
      if (pane.dataset.dragged) { delete pane.dataset.dragged; return; }
      // The innermost node or frame clicked (a namespace frame stands for its node too).
      var el = ev.target.closest ? ev.target.closest('.el.node, .el.frame') : null;
      if (!el) return;
      if (el.classList.contains('group')) openGroup(el);
      document.dispatchEvent(new CustomEvent('vn-select', { detail: { id: el.getAttribute('data-id'), refs: (el.getAttribute('data-refs') || '').split(' ').filter(Boolean), side: pane.getAttribute('data-side') } }));
    });
  });
})();
`;
