// Index of the review report: one row per page, sortable and filterable, and corpus totals by
// family and by rule (a click on a rule or family shows only the pages it fired on).
(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('index-data').textContent);
  var rows = D.rows, FAM = {}, RULEFAM = {};
  D.families.forEach(function (f) { FAM[f.name] = f; });
  D.totals.rules.forEach(function (t) { RULEFAM[t.rule] = t.family; });
  var STEP = 500;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function num(n) { return (n || 0).toLocaleString('en'); }

  var COLS = [
    {key: 'status', label: 'status'},
    {key: 'path', label: 'page'},
    {key: 'format', label: 'format'},
    {key: 'language', label: 'lang'},
    {key: 'title', label: 'title'},
    {key: 'kept', label: 'kept chars', num: true},
    {key: 'removed', label: 'removed chars', num: true},
    {key: 'cuts', label: 'inline cuts', num: true},
    {key: 'sections', label: 'sections', num: true},
    {key: 'warnings', label: 'warnings', num: true},
    {key: 'top', label: 'top removal rules (by characters)'}
  ];
  var sortKey = null, sortDir = 1, onlyRule = null, onlyFamily = null, shown = 0, matching = [];

  // filters: a select per column with few values
  function options(id, key) {
    var sel = $(id), seen = {};
    rows.forEach(function (r) { var v = r[key] || ''; seen[v] = (seen[v] || 0) + 1; });
    Object.keys(seen).sort().forEach(function (v) {
      var o = el('option', '', (v || '(none)') + ' (' + seen[v] + ')');
      o.value = v;
      sel.appendChild(o);
    });
    sel.addEventListener('change', apply);
  }
  options('f-status', 'status');
  options('f-format', 'format');
  options('f-language', 'language');
  var ruleSel = $('f-rule');
  D.totals.rules.forEach(function (t) {
    var o = el('option', '', t.rule + ' (' + t.pages + ' pages)');
    o.value = t.rule;
    ruleSel.appendChild(o);
  });
  ruleSel.addEventListener('change', function () { onlyRule = ruleSel.value || null; apply(); });
  $('f-text').addEventListener('input', apply);

  var thead = $('thead-row');
  COLS.forEach(function (c) {
    var th = el('th', c.num ? 'num' : '', c.label);
    th.setAttribute('data-key', c.key);
    th.addEventListener('click', function () {
      sortDir = sortKey === c.key ? -sortDir : (c.num ? -1 : 1);
      sortKey = c.key;
      thead.querySelectorAll('th').forEach(function (x) { x.className = (x === th ? (sortDir > 0 ? 'sorted-asc' : 'sorted-desc') : '') + (x.getAttribute('data-num') ? ' num' : ''); });
      apply();
    });
    if (c.num) th.setAttribute('data-num', '1');
    thead.appendChild(th);
  });

  function value(r, key) {
    if (key === 'top') return r.top.length ? r.top[0][2] : 0;
    var v = r[key];
    return v === null || v === undefined ? '' : v;
  }
  function apply() {
    var q = $('f-text').value.toLowerCase(), st = $('f-status').value, fm = $('f-format').value, lg = $('f-language').value;
    matching = rows.filter(function (r) {
      if (st && r.status !== st) return false;
      if (fm && (r.format || '') !== fm) return false;
      if (lg && (r.language || '') !== lg) return false;
      if (onlyRule && !(onlyRule in r.rules)) return false;
      if (onlyFamily && !(onlyFamily in r.families)) return false;
      if (q && ((r.path || '') + ' ' + (r.title || '') + ' ' + (r.url || '') + ' ' + (r.error || '')).toLowerCase().indexOf(q) < 0) return false;
      return true;
    });
    if (sortKey) {
      matching.sort(function (a, b) {
        var x = value(a, sortKey), y = value(b, sortKey);
        if (typeof x === 'number' && typeof y === 'number') return (x - y) * sortDir;
        return String(x).localeCompare(String(y)) * sortDir;
      });
    }
    $('tbody').textContent = '';
    shown = 0;
    more();
    var what = [onlyRule ? 'rule ' + onlyRule : '', onlyFamily ? 'family ' + onlyFamily : ''].filter(Boolean).join(', ');
    $('shown').textContent = matching.length + ' of ' + rows.length + ' pages' + (what ? ' (' + what + ' fired)' : '');
    $('clear-only').style.display = what ? '' : 'none';
  }
  function more() {
    var body = $('tbody'), end = Math.min(matching.length, shown + STEP);
    for (; shown < end; shown++) body.appendChild(rowOf(matching[shown]));
    $('more').style.display = shown < matching.length ? '' : 'none';
  }
  $('more').addEventListener('click', more);
  $('clear-only').addEventListener('click', function () { onlyRule = null; onlyFamily = null; ruleSel.value = ''; apply(); });

  function rowOf(r) {
    var tr = el('tr', 'st-' + r.status);
    tr.appendChild(el('td', '', r.status));
    var td = el('td');
    if (r.href) {
      var a = el('a', '', r.shown || r.path);
      a.href = r.href;
      td.appendChild(a);
    } else td.textContent = r.shown || r.path;
    td.title = r.path || '';
    tr.appendChild(td);
    tr.appendChild(el('td', '', r.format || ''));
    tr.appendChild(el('td', '', r.language || ''));
    var t = el('td', 'title' + (r.status !== 'error' && !r.title ? ' muted' : ''),
               r.status === 'error' ? r.error : (r.title || '(no title; id ' + r.id + ')'));
    if (r.url) t.title = r.url;
    tr.appendChild(t);
    ['kept', 'removed', 'cuts', 'sections', 'warnings'].forEach(function (k) { tr.appendChild(el('td', 'num', num(r[k]))); });
    var top = el('td', 'small');
    r.top.forEach(function (x) {
      var rule = x[0], fam = FAM[RULEFAM[rule]] || {};
      var c = el('span', 'chip', rule + ' ' + x[1] + '×');
      c.style.background = fam.colour || '#ddd';
      c.title = num(x[2]) + ' characters';
      top.appendChild(c);
    });
    tr.appendChild(top);
    return tr;
  }

  // corpus totals
  var tot = D.totals;
  $('summary').textContent = rows.length + ' pages (' + tot.pages.ok + ' ok, ' + tot.pages.empty + ' empty, ' + tot.pages.error +
    ' failed); kept ' + num(tot.kept) + ' of ' + num(tot.chars_in) + ' source characters; removed ' + num(tot.removed) +
    ' characters (real drops), ' + num(tot.cuts) + ' inline cuts and repairs';
  var fb = $('family-totals');
  tot.families.forEach(function (f) {
    var tr = el('tr'), fam = FAM[f.family] || {};
    var name = el('td');
    var sw = el('span', 'swatch');
    sw.style.background = fam.colour || '#ddd';
    name.appendChild(sw);
    name.appendChild(document.createTextNode((fam.label || f.family) + (fam.quiet ? ' (quiet)' : '')));
    tr.appendChild(name);
    tr.appendChild(el('td', 'num', f.rules));
    tr.appendChild(el('td', 'num', num(f.count)));
    tr.appendChild(el('td', 'num', num(f.chars)));
    tr.title = 'show the pages it fired on';
    tr.addEventListener('click', function () { onlyFamily = f.family; onlyRule = null; ruleSel.value = ''; apply(); window.scrollTo(0, 0); });
    fb.appendChild(tr);
  });
  var rb = $('rule-totals');
  tot.rules.forEach(function (t) {
    var tr = el('tr'), fam = FAM[t.family] || {};
    var name = el('td');
    var sw = el('span', 'swatch');
    sw.style.background = fam.colour || '#ddd';
    name.appendChild(sw);
    name.appendChild(document.createTextNode(t.rule));
    tr.appendChild(name);
    tr.appendChild(el('td', '', t.stage));
    tr.appendChild(el('td', '', fam.label || t.family));
    tr.appendChild(el('td', 'num', num(t.pages)));
    tr.appendChild(el('td', 'num', num(t.count)));
    tr.appendChild(el('td', 'num', num(t.chars)));
    tr.title = 'show the pages it fired on';
    tr.addEventListener('click', function () { onlyRule = t.rule; onlyFamily = null; ruleSel.value = t.rule; apply(); window.scrollTo(0, 0); });
    rb.appendChild(tr);
  });

  apply();
  document.body.setAttribute('data-ready', '1');
})();
