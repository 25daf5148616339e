// The browser side of `vnetmap serve`, served from /static (no inline script: the page's
// Content-Security-Policy allows scripts from the server only). Plain DOM, no framework, no
// request leaves for anywhere but this server.
export const SERVE_CSS = `
.vn-bar { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 8px 16px; background: #fff; border-bottom: 1px solid #ddd; font-size: 13px; }
.vn-bar fieldset { border: 1px solid #ddd; border-radius: 5px; padding: 3px 8px; margin: 0; display: flex; gap: 6px; align-items: center; }
.vn-bar legend { font-size: 11px; color: #666; padding: 0 3px; }
.vn-bar select, .vn-bar input { font: 12px ui-monospace, monospace; max-width: 140px; }
.vn-bar input[type=number] { width: 56px; }
.vn-badge { padding: 2px 8px; border-radius: 10px; background: #eee; font-weight: 600; }
.vn-badge.ok { background: #d3f9d8; color: #1b5e20; } .vn-badge.bad { background: #ffe3e3; color: #9b1c1c; } .vn-badge.busy { background: #fff3bf; }
#vn-selected { font: 600 13px ui-monospace, monospace; }
#vn-out { margin: 0 12px; max-height: 22vh; overflow: auto; background: #1e1e1e; color: #e8e8e8; font: 12px ui-monospace, monospace; padding: 8px; border-radius: 5px; white-space: pre-wrap; }
#vn-out:empty { display: none; }
#vn-drift { font-size: 12px; color: #9b1c1c; margin: 0 16px; }
.vn-pane { height: calc(100vh - 170px); }
.el.traced > rect.body, .el.traced > path.line { stroke: #f03e3e !important; stroke-width: 3 !important; }
.el.drift > rect.body { stroke: #d9480f !important; stroke-width: 3 !important; stroke-dasharray: 4 2; }
.el.v-pass > rect.body { fill: #d3f9d8 !important; }
.el.v-fail > rect.body { fill: #ffc9c9 !important; stroke: #c92a2a !important; }
.el.picked > rect.body { stroke: #1971c2 !important; stroke-width: 3.5 !important; }
ul.labs { font: 14px ui-monospace, monospace; } ul.labs li { margin: 6px 0; }
`;

export const SERVE_JS = String.raw`
(function () {
  var lab = document.body.getAttribute('data-lab');
  if (!lab) return;
  var api = '/api/labs/' + encodeURIComponent(lab);
  var $ = function (id) { return document.getElementById(id); };
  var out = $('vn-out');
  var selected = null;
  function all(sel) { return Array.prototype.slice.call(document.querySelectorAll(sel)); }
  function byRefs(ref) { return all('.el').filter(function (el) { return (' ' + (el.getAttribute('data-refs') || '') + ' ').indexOf(' ' + ref + ' ') >= 0; }); }
  function byId(id) { return all('.el').filter(function (el) { return el.getAttribute('data-id') === id; }); }
  function unmark(cls) { all('.el.' + cls).forEach(function (el) { el.classList.remove(cls); }); }
  function say(text) { out.textContent = text; }
  function post(what, body) {
    say(what + ' …');
    return fetch(api + '/' + what, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error(j.error || r.statusText); return j; }); })
      .catch(function (e) { say(what + ': ' + e.message); throw e; });
  }
  function fill(select, nodes) {
    select.innerHTML = nodes.map(function (n) { return '<option>' + n.replace(/[<&"]/g, '') + '</option>'; }).join('');
  }
  fetch(api + '/nodes').then(function (r) { return r.json(); }).then(function (j) {
    fill($('vn-to'), j.nodes);
    fill($('vn-trace-to'), j.nodes);
  });
  document.addEventListener('vn-select', function (ev) {
    var refs = ev.detail.refs.filter(function (r) { return r.indexOf('node:') === 0; });
    // A device of the twin names its node through the interface it realises.
    if (!refs.length) refs = ev.detail.refs.filter(function (r) { return r.indexOf('iface:') === 0; }).map(function (r) { return 'node:' + r.slice(6).split('/')[0]; });
    if (!refs.length) return;
    selected = refs[0].slice(5);
    $('vn-selected').textContent = refs.length > 1 ? selected + ' (of ' + refs.length + ')' : selected;
    unmark('picked');
    byRefs(refs[0]).forEach(function (el) { el.classList.add('picked'); });
    all('.vn-act').forEach(function (b) { b.disabled = false; });
  });
  function need() { if (!selected) { say('click a node first'); return false; } return true; }
  $('vn-ping').addEventListener('click', function () {
    if (!need()) return;
    post('ping', { from: selected, to: $('vn-to').value, count: Number($('vn-count').value) }).then(function (j) {
      say((j.ok ? 'PING OK ' : 'PING FAILED ') + j.from + ' → ' + j.to + ' (' + j.address + ')\n' + j.output);
    });
  });
  $('vn-trace').addEventListener('click', function () {
    if (!need()) return;
    var port = $('vn-port').value;
    post('trace', { from: selected, to: $('vn-trace-to').value, tcpPort: port ? Number(port) : null }).then(function (j) {
      unmark('traced');
      j.traced.forEach(function (id) { byId(id).forEach(function (el) { el.classList.add('traced'); }); });
      say('trace ' + j.verdict + (j.why ? ' (' + j.why + ')' : '') + '\nrequest:\n  ' + j.request.join('\n  ') + (j.reply.length ? '\nreply:\n  ' + j.reply.join('\n  ') : ''));
    });
  });
  $('vn-capture').addEventListener('click', function () {
    if (!need()) return;
    post('capture', { node: selected, iface: $('vn-iface').value, count: Number($('vn-ccount').value), seconds: Number($('vn-secs').value) }).then(function (j) {
      say('capture on ' + j.where + ' (' + j.seconds + ' s, at most ' + j.count + ' packets)\n' + (j.packets || '(no packets)') + '\n' + j.summary);
    });
  });
  $('vn-verify').addEventListener('click', function () {
    post('verify', {}).then(function (j) {
      unmark('v-pass'); unmark('v-fail');
      Object.keys(j.nodes).forEach(function (n) { if (j.nodes[n] === 'pass') byRefs('node:' + n).forEach(function (el) { el.classList.add('v-pass'); }); });
      Object.keys(j.nodes).forEach(function (n) { if (j.nodes[n] === 'fail') byRefs('node:' + n).forEach(function (el) { el.classList.remove('v-pass'); el.classList.add('v-fail'); }); });
      say('verify: ' + j.summary.passed + ' passed, ' + j.summary.failed + ' failed' + j.failed.map(function (c) { return '\n  ' + c.kind + ' ' + c.from + ' → ' + c.to + ': expected ' + (c.expected ? 'reach' : 'no reach') + ', saw ' + (c.observed ? 'reach' : 'no reach') + (c.error ? ' (' + c.error + ')' : ''); }).join(''));
    });
  });
  $('vn-clear').addEventListener('click', function () { ['traced', 'v-pass', 'v-fail', 'picked'].forEach(unmark); say(''); });
  // Live status and drift, pushed by the server.
  var badge = $('vn-status');
  function show(s) {
    unmark('drift');
    if (s.busy) { badge.className = 'vn-badge busy'; badge.textContent = 'busy: ' + s.busy; return; }
    if (s.error) { badge.className = 'vn-badge bad'; badge.textContent = s.error; return; }
    var bad = !s.running || s.drift.length || s.missing.length;
    badge.className = 'vn-badge ' + (bad ? 'bad' : 'ok');
    badge.textContent = (s.running ? 'up' : 'no state') + ' · ' + s.namespaces + ' namespaces · ' + (s.drift.length ? s.drift.length + ' drift' : 'no drift');
    $('vn-drift').textContent = s.drift.slice(0, 20).map(function (d) { return 'drift: ' + d.kind + ' ' + d.object + ': ' + d.detail; }).join('\n');
    s.missing.forEach(function (ns) { byId('ns:' + ns).forEach(function (el) { el.classList.add('drift'); }); });
    s.drift.forEach(function (d) {
      if (d.namespace && d.dev) byId('dev:' + d.namespace + '/' + d.dev).forEach(function (el) { el.classList.add('drift'); });
      d.refs.forEach(function (r) { byRefs(r).forEach(function (el) { if (!el.classList.contains('domain')) el.classList.add('drift'); }); });
    });
  }
  if (window.EventSource) {
    var es = new EventSource(api + '/events');
    es.addEventListener('status', function (ev) { show(JSON.parse(ev.data)); });
  }
})();
`;
