// Page view of the review report. Renders lazily: the source (or the list of blocks) is cut into
// chunks, and a chunk is built only when it scrolls near the window, so a page of megabytes opens
// at once. Text goes in through textContent only: a page's text is never read as markup.
(function () {
  'use strict';
  var V = JSON.parse(document.getElementById('page-data').textContent);
  function unpack(rows, fields) {
    return rows.map(function (row, i) {
      var x = {i: i};
      fields.forEach(function (f, k) { if (row[k] !== null) x[f] = row[k]; });
      return x;
    });
  }
  var R = unpack(V.removed, V.fields.removed), B = unpack(V.blocks, V.fields.blocks), S = V.segments || [], T = V.text || '';
  var FAM = {};
  V.families.forEach(function (f) { FAM[f.name] = f; });
  var CHUNK_CHARS = 20000, CHUNK_PIECES = 1500, CHUNK_ITEMS = 300, LIST_STEP = 300;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function quiet(r) { return FAM[R[r].family] && FAM[R[r].family].quiet; }

  // family colours, and a switch per family that takes its colour off
  var style = el('style');
  style.textContent = V.families.map(function (f) {
    return '.f-' + f.name + '{background:' + f.colour + '}' +
      '#src.off-' + f.name + ' .f-' + f.name + '{background:transparent;border-bottom-color:transparent}';
  }).join('\n');
  document.head.appendChild(style);

  var src = $('src');

  // --- details of what was clicked ----------------------------------------------------------
  function sectionOf(b) {
    for (var k = 0; k < V.outline.length; k++) if (V.outline[k].id === B[b].section) return V.outline[k];
    return null;
  }
  function famChip(name) {
    var f = FAM[name] || {colour: '#ddd', label: name};
    var c = el('span', 'chip', f.label || name);
    c.style.background = f.colour;
    return c;
  }
  function showRemoval(r, seg) {
    var d = $('details'), x = R[r];
    d.textContent = '';
    d.setAttribute('data-kind', 'removal');
    d.setAttribute('data-rule', x.rule);
    var h = el('div');
    h.appendChild(el('span', 'rule', x.rule));
    h.appendChild(document.createTextNode(' '));
    h.appendChild(famChip(x.family));
    d.appendChild(h);
    d.appendChild(el('div', '', 'stage: ' + x.stage));
    d.appendChild(el('div', '', 'why: ' + (x.why || '(not given by the rule)')));
    d.appendChild(el('div', 'muted small', x.where || ''));
    d.appendChild(el('pre', '', x.text));
    if (seg !== undefined && S[seg]) {
      var others = S[seg][4] || [];
      others.forEach(function (o) {
        var line = el('div', 'small', 'also here: ' + R[o].rule + ' (' + R[o].stage + ')' + (R[o].why ? ': ' + R[o].why : ''));
        d.appendChild(line);
      });
      if (S[seg][3] >= 0) {
        var s = sectionOf(S[seg][3]);
        d.appendChild(el('div', 'small muted', 'inside a kept ' + B[S[seg][3]].kind + (s && s.path.length ? ' under ' + s.path.join(' › ') : '')));
      }
    }
  }
  function showBlock(b) {
    var d = $('details'), x = B[b], s = sectionOf(b);
    d.textContent = '';
    d.setAttribute('data-kind', 'kept');
    d.removeAttribute('data-rule');
    d.appendChild(el('div', 'rule', 'kept ' + x.kind + (x.level ? ' (level ' + x.level + ')' : '')));
    d.appendChild(el('div', '', 'section: ' + (s && s.path.length ? s.path.join(' › ') : '(lead)')));
    d.appendChild(el('div', 'muted small', x.where || ''));
    d.appendChild(el('pre', '', x.text));
  }

  // --- lazy chunks ----------------------------------------------------------------------------
  var chunks = [];
  var observer = 'IntersectionObserver' in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) { if (e.isIntersecting) render(e.target.__chunk); });
  }, {root: src, rootMargin: '1500px 0px'}) : null;

  function addChunk(from, to, estimate) {
    var c = {from: from, to: to, done: false, el: el('div', 'chunk')};
    c.el.__chunk = c;
    c.el.style.minHeight = Math.max(20, estimate) + 'px';
    chunks.push(c);
    src.appendChild(c.el);
    if (observer) observer.observe(c.el); else render(c);
  }
  function render(c) {
    if (c.done) return;
    c.done = true;
    var frag = document.createDocumentFragment();
    if (V.mode === 'source') renderPieces(c, frag); else renderItems(c, frag);
    c.el.appendChild(frag);
    c.el.style.minHeight = '';
    if (observer) observer.unobserve(c.el);
  }
  function chunkOf(k) {
    var lo = 0, hi = chunks.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (chunks[mid].from <= k) lo = mid; else hi = mid - 1;
    }
    return chunks[lo];
  }
  function select(node) {
    var old = src.querySelector('.sel');
    if (old) old.classList.remove('sel');
    if (node) { node.classList.add('sel'); node.scrollIntoView({block: 'center'}); }
  }

  // --- source mode: the source text with every piece marked ----------------------------------
  var breakAt = {};
  (V.breaks || []).forEach(function (b) { breakAt[b[0]] = b[1]; });
  function renderPieces(c, frag) {
    for (var k = c.from; k < c.to; k++) {
      var p = S[k], a = p[0], b = p[1], r = p[2], bl = p[3];
      if (breakAt[a] !== undefined && (k === 0 || S[k - 1][0] !== a)) frag.appendChild(el('span', 'pb', 'page ' + breakAt[a]));
      var span;
      if (a === b) {
        span = el('span', 'pt r f-' + R[r].family);
      } else if (r >= 0) {
        span = el('span', 'r f-' + R[r].family + (quiet(r) ? ' q' : ''), T.slice(a, b));
      } else {
        span = el('span', bl >= 0 ? 'k' : 'u', T.slice(a, b));
      }
      if (r >= 0) span.title = R[r].rule + ' · ' + R[r].stage + (R[r].why ? ': ' + R[r].why : '');
      else if (bl >= 0) span.title = 'kept ' + B[bl].kind;
      span.setAttribute('data-s', k);
      frag.appendChild(span);
    }
  }
  function buildSource() {
    var from = 0, chars = 0;
    for (var k = 0; k < S.length; k++) {
      chars += S[k][1] - S[k][0];
      if (chars >= CHUNK_CHARS || k - from + 1 >= CHUNK_PIECES || k === S.length - 1) {
        // a placeholder about as tall as the chunk will be: its lines, and long lines wrapped
        var lines = (T.slice(S[from][0], S[k][1]).match(/\n/g) || []).length;
        addChunk(from, k + 1, (lines + chars / 110) * 19.5);
        from = k + 1; chars = 0;
      }
    }
  }
  var firstSeg = null;
  function segOf(kind, i) {
    if (!firstSeg) {
      firstSeg = {r: {}, b: {}};
      for (var k = S.length - 1; k >= 0; k--) {
        if (S[k][2] >= 0) firstSeg.r[S[k][2]] = k;
        (S[k][4] || []).forEach(function (o) { firstSeg.r[o] = k; });
        if (S[k][3] >= 0) firstSeg.b[S[k][3]] = k;
      }
    }
    return firstSeg[kind][i];
  }

  // --- items mode: kept blocks and removals in source order ----------------------------------
  function shortWhere(w) {  // "line 7, /html/body/div[2]/.../p[3]": the lines and the end of the XPath
    var k = w.indexOf(', /');
    if (k < 0 || w.length <= 34) return w;
    var path = w.slice(k + 2);
    return w.slice(0, k) + ', …' + path.slice(Math.max(0, path.length - (31 - k)));
  }
  var I = V.items || [];
  function renderItems(c, frag) {
    for (var k = c.from; k < c.to; k++) {
      var kind = I[k][0], i = I[k][1], x = kind === 'b' ? B[i] : R[i];
      var row = el('div', kind === 'b' ? 'it k' : 'it r f-' + x.family + (quiet(i) ? ' q' : ''));
      var w = el('div', 'w', shortWhere(x.where || ''));
      w.title = x.where || '';
      row.appendChild(w);
      var t = el('div', 't', x.text.length > 600 ? x.text.slice(0, 600) + '…' : x.text);
      row.appendChild(t);
      row.title = kind === 'b' ? 'kept ' + x.kind : x.rule + ' · ' + x.stage + (x.why ? ': ' + x.why : '');
      row.setAttribute('data-i', k);
      frag.appendChild(row);
    }
  }
  function buildItems() {
    for (var k = 0; k < I.length; k += CHUNK_ITEMS) addChunk(k, Math.min(I.length, k + CHUNK_ITEMS), Math.min(I.length - k, CHUNK_ITEMS) * 24);
  }
  var itemIndex = null;
  function itemOf(kind, i) {
    if (!itemIndex) {
      itemIndex = {r: {}, b: {}};
      I.forEach(function (it, k) { itemIndex[it[0]][it[1]] = k; });
    }
    return itemIndex[kind][i];
  }

  function goTo(kind, i) {
    var k = V.mode === 'source' ? segOf(kind, i) : itemOf(kind, i);
    if (kind === 'r') showRemoval(i, V.mode === 'source' ? k : undefined); else showBlock(i);
    if (k === undefined) { select(null); return; }
    render(chunkOf(k));
    select(src.querySelector(V.mode === 'source' ? '[data-s="' + k + '"]' : '[data-i="' + k + '"]'));
  }

  src.addEventListener('click', function (ev) {
    var t = ev.target.closest('[data-s],[data-i]');
    if (!t) return;
    if (V.mode === 'source') {
      var k = +t.getAttribute('data-s'), p = S[k];
      if (p[2] >= 0) showRemoval(p[2], k); else if (p[3] >= 0) showBlock(p[3]); else return;
    } else {
      var it = I[+t.getAttribute('data-i')];
      if (it[0] === 'r') showRemoval(it[1]); else showBlock(it[1]);
    }
    var old = src.querySelector('.sel');
    if (old) old.classList.remove('sel');
    t.classList.add('sel');
  });

  // --- legend ---------------------------------------------------------------------------------
  var legend = $('legend');
  V.families.forEach(function (f) {
    var n = V.family_counts[f.name];
    if (!n) return;
    var c = famChip(f.name);
    c.appendChild(el('span', 'n', n));
    c.title = (f.quiet ? 'shown quietly: markup cut or text rewritten, the words stay. ' : '') + 'Click to take its colour off.';
    c.setAttribute('data-family', f.name);
    c.addEventListener('click', function () { c.classList.toggle('off'); src.classList.toggle('off-' + f.name); });
    legend.appendChild(c);
  });
  var kept = el('span', 'chip', 'kept');
  kept.style.background = '#eaf7ea';
  legend.insertBefore(kept, legend.firstChild);
  var qbox = $('show-quiet');
  qbox.addEventListener('change', function () { src.classList.toggle('noquiet', !qbox.checked); });

  // --- side panes -----------------------------------------------------------------------------
  document.querySelectorAll('aside .tabs button').forEach(function (b) {
    b.addEventListener('click', function () {
      document.querySelectorAll('aside .tabs button, aside .pane').forEach(function (x) { x.classList.remove('on'); });
      b.classList.add('on');
      $(b.getAttribute('data-pane')).classList.add('on');
    });
  });

  // outline of the cleaned sections
  var ol = $('outline');
  if (!V.outline.length) ol.appendChild(el('div', 'muted', 'no sections: nothing was kept'));
  V.outline.forEach(function (s) {
    var row = el('div', 'ol');
    row.style.paddingLeft = (s.level * 14) + 'px';
    row.appendChild(el('span', '', s.heading === null ? '(lead)' : s.heading));
    row.appendChild(el('span', 'muted small', '  ' + [s.role !== 'body' ? s.role : '', s.blocks + ' blocks', s.chars + ' chars', s.pages || s.where].filter(Boolean).join(' · ')));
    row.title = s.path.join(' › ');
    row.addEventListener('click', function () { if (s.blocks) goTo('b', s.first); });
    ol.appendChild(row);
  });

  // removals: a chip per rule (all of them), then the entries, a few hundred at a time
  var rulesBox = $('rules'), list = $('removal-list'), filter = $('removal-filter');
  var counts = {}, order = [];
  R.forEach(function (x) { if (!(x.rule in counts)) { counts[x.rule] = 0; order.push(x); } counts[x.rule]++; });
  var ruleOn = null;
  order.forEach(function (x) {
    var c = el('span', 'chip f-' + x.family, x.rule);
    c.appendChild(el('span', 'n', counts[x.rule]));
    c.setAttribute('data-rule', x.rule);
    c.title = x.stage + ' · ' + ((FAM[x.family] || {}).label || x.family);
    c.addEventListener('click', function () { ruleOn = ruleOn === x.rule ? null : x.rule; fillList(); });
    rulesBox.appendChild(c);
  });
  var shown = 0, matching = [];
  function fillList() {
    var q = filter.value.toLowerCase();
    matching = R.filter(function (x) {
      if (ruleOn && x.rule !== ruleOn) return false;
      if (!$('list-quiet').checked && FAM[x.family] && FAM[x.family].quiet) return false;
      return !q || (x.rule + ' ' + x.stage + ' ' + (x.why || '') + ' ' + x.text).toLowerCase().indexOf(q) >= 0;
    });
    rulesBox.querySelectorAll('.chip').forEach(function (c) { c.classList.toggle('off', !!ruleOn && c.getAttribute('data-rule') !== ruleOn); });
    list.textContent = '';
    shown = 0;
    more();
  }
  function more() {
    var end = Math.min(matching.length, shown + LIST_STEP);
    for (; shown < end; shown++) {
      var x = matching[shown];
      var row = el('div', 'row');
      var sw = el('span', 'swatch f-' + x.family);
      row.appendChild(sw);
      row.appendChild(el('b', '', x.rule + ' '));
      row.appendChild(el('span', '', x.text.length > 90 ? x.text.slice(0, 90) + '…' : x.text));
      row.appendChild(el('span', 'muted', '  ' + (x.where || '')));
      row.title = x.why || '';
      (function (i) { row.addEventListener('click', function () { goTo('r', i); }); })(x.i);
      list.appendChild(row);
    }
    $('removal-more').style.display = shown < matching.length ? '' : 'none';
    $('removal-count').textContent = matching.length + ' of ' + R.length + ' entries';
  }
  filter.addEventListener('input', fillList);
  $('list-quiet').addEventListener('change', fillList);
  $('removal-more').addEventListener('click', more);

  var wl = $('warnings');
  if (!V.warnings.length) wl.appendChild(el('div', 'muted', 'no warnings'));
  V.warnings.forEach(function (w) {
    var row = el('div', 'row');
    row.appendChild(el('b', '', w.code + ' '));
    row.appendChild(el('span', 'muted', '(' + w.stage + (w.where ? ', ' + w.where : '') + ') '));
    row.appendChild(el('span', '', w.text));
    wl.appendChild(row);
  });

  if (V.mode === 'source') buildSource(); else buildItems();
  fillList();
  document.body.setAttribute('data-ready', '1');
})();
