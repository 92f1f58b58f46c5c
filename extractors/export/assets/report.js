(function () {
  'use strict';
  // Every piece of document text is put on the page with textContent /
  // createTextNode only; nothing from the data is ever parsed as HTML.
  var DATA = JSON.parse(document.getElementById('cc-data').textContent);
  var VERDICTS = DATA.verdicts;
  var REVIEW = DATA.review || null;
  var STOP = {'the':1,'and':1,'for':1,'that':1,'with':1,'from':1,'this':1,'was':1,'were':1,'has':1,'have':1,'had':1,'its':1,'into':1,'are':1,'but':1,'not':1,'which':1,'their':1,'they':1,'been':1,'also':1,'said':1,'after':1,'over':1,'than':1,'about':1,'more':1,'who':1,'his':1,'her':1,'she':1,'him':1,'will':1,'would':1,'there':1,'these':1,'those':1,'such':1,'other':1};
  var state = {tab: 'claims', selected: null, verdict: '', source: '', review: ''};

  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined) return;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else e.setAttribute(k, String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return e;
  }
  function byId(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function safeUrl(u) {
    if (!u) return null;
    try {
      var x = new URL(u);
      if (x.protocol === 'http:' || x.protocol === 'https:') return x.href;
    } catch (e) { /* not a URL */ }
    return null;
  }
  function label(v) { return (DATA.verdict_labels[v] || v || '').toString(); }
  function sourceTitle(id) {
    if (!id) return '(no source: claim not attributed, or nothing to check)';
    var s = DATA.sources[id]; return s ? (s.title || id) : id;
  }
  function words(text) { return (text || '').toLowerCase().match(/[\p{L}\p{N}]+/gu) || []; }
  function keyWords(text) {
    var set = {};
    words(text).forEach(function (w) { if ((w.length >= 3 || /\d/.test(w)) && !STOP[w]) set[w] = 1; });
    return set;
  }
  function marked(text, keys) {
    // text split on word boundaries; matching words wrapped in <mark> (as text)
    var frag = document.createDocumentFragment();
    var parts = (text || '').split(/([\p{L}\p{N}]+)/u);
    parts.forEach(function (p, i) {
      if (!p) return;
      if (i % 2 === 1 && keys[p.toLowerCase()]) frag.appendChild(el('mark', null, p));
      else frag.appendChild(document.createTextNode(p));
    });
    return frag;
  }
  function loc(row) {
    var bits = [];
    if (row.evidence_page !== null && row.evidence_page !== undefined) bits.push('page ' + row.evidence_page);
    if (row.evidence_paragraph !== null && row.evidence_paragraph !== undefined) bits.push('paragraph ' + row.evidence_paragraph);
    return bits.join(', ');
  }
  function rowMatches(r) {
    return (!state.verdict || r.effective_verdict === state.verdict) &&
           (!state.source || r.source_id === state.source) &&
           (!state.review || r.review_state === state.review);
  }
  function filtersOn() { return !!(state.verdict || state.source || state.review); }
  var rowsByClaim = {};
  DATA.source_claims.forEach(function (r) { (rowsByClaim[r.claim_id] = rowsByClaim[r.claim_id] || []).push(r); });
  var claimsById = {};
  DATA.claims.forEach(function (c) { claimsById[c.claim_id] = c; });
  var ORDER = ['contradicted', 'supported', 'partly_supported', 'not_found', 'source_unavailable', 'not_checkable'];
  function claimVerdict(rows) {
    for (var i = 0; i < ORDER.length; i++) {
      for (var j = 0; j < rows.length; j++) if (rows[j].effective_verdict === ORDER[i]) return ORDER[i];
    }
    return null;
  }

  // ------------------------------------------------------------ filters
  function fillSelect(sel, options) {
    options.forEach(function (o) { sel.appendChild(el('option', {value: o[0]}, o[1])); });
  }
  fillSelect(byId('f-verdict'), [['', 'all verdicts']].concat(VERDICTS.map(function (v) { return [v, label(v)]; })));
  fillSelect(byId('f-source'), [['', 'all sources']].concat(Object.keys(DATA.sources).sort().map(function (s) { return [s, sourceTitle(s)]; })));
  fillSelect(byId('f-review'), [['', 'any review state']].concat(DATA.review_states.map(function (s) { return [s, s]; })));
  ['verdict', 'source', 'review'].forEach(function (k) {
    byId('f-' + k).addEventListener('change', function (ev) { state[k] = ev.target.value; render(); });
  });

  // ------------------------------------------------------------ tabs
  Array.prototype.forEach.call(document.querySelectorAll('nav.tabs button'), function (b) {
    b.addEventListener('click', function () {
      state.tab = b.getAttribute('data-tab');
      Array.prototype.forEach.call(document.querySelectorAll('nav.tabs button'), function (x) {
        x.setAttribute('aria-selected', x === b ? 'true' : 'false');
      });
      Array.prototype.forEach.call(document.querySelectorAll('main > section'), function (s) {
        s.hidden = s.id !== 'tab-' + state.tab;
      });
    });
  });

  // ------------------------------------------------------------ chart
  function renderChart() {
    var box = byId('chart'); clear(box);
    var per = {};
    DATA.source_claims.forEach(function (r) {
      per[r.source_id] = per[r.source_id] || {};
      per[r.source_id][r.effective_verdict] = (per[r.source_id][r.effective_verdict] || 0) + 1;
    });
    var ids = Object.keys(per).sort();
    if (!ids.length) { box.appendChild(el('p', {class: 'small'}, 'No claim-source rows.')); return; }
    box.appendChild(el('h2', null, 'Verdicts per source'));
    ids.forEach(function (sid) {
      var counts = per[sid], total = 0;
      VERDICTS.forEach(function (v) { total += counts[v] || 0; });
      var bar = el('div', {class: 'bar', role: 'img', 'aria-label': sourceTitle(sid)});
      var desc = [];
      VERDICTS.forEach(function (v) {
        var n = counts[v] || 0;
        if (!n) return;
        var seg = el('div', {class: 'seg v-' + v, title: label(v) + ': ' + n});
        seg.style.width = (100 * n / total) + '%';
        bar.appendChild(seg);
        desc.push(label(v) + ' ' + n);
      });
      bar.setAttribute('aria-label', sourceTitle(sid) + ': ' + desc.join(', '));
      box.appendChild(el('div', {class: 'row', 'data-source': sid}, el('div', {title: sid}, sourceTitle(sid)), bar, el('div', null, String(total))));
    });
    var legend = el('div', {class: 'legend'});
    VERDICTS.forEach(function (v) { legend.appendChild(el('span', null, el('span', {class: 'sw v-' + v}), label(v))); });
    box.appendChild(legend);
  }

  // ------------------------------------------------------------ article
  function renderArticle() {
    var box = byId('article'); clear(box);
    var text = DATA.article || '';
    var placed = [], unplaced = [];
    DATA.claims.forEach(function (c) {
      var s = c.char_start, e = c.char_end;
      // offsets point into the article even when the claim text was rewritten
      // (a clause given its subject, a pronoun resolved): trust them when valid
      if (!(typeof s === 'number' && typeof e === 'number' && s >= 0 && e > s && e <= text.length)) {
        var i = c.text ? text.indexOf(c.text) : -1;
        if (i < 0) { unplaced.push(c); return; }
        s = i; e = i + c.text.length;
      }
      placed.push({c: c, s: s, e: e});
    });
    placed.sort(function (a, b) { return a.s - b.s; });
    var pos = 0;
    placed.forEach(function (p) {
      if (p.s < pos) { unplaced.push(p.c); return; }
      if (p.s > pos) box.appendChild(document.createTextNode(text.slice(pos, p.s)));
      box.appendChild(claimSpan(p.c, text.slice(p.s, p.e)));
      pos = p.e;
    });
    if (pos < text.length) box.appendChild(document.createTextNode(text.slice(pos)));
    var extra = byId('unplaced'); clear(extra);
    if (unplaced.length) {
      extra.appendChild(el('h3', null, 'Claims not located in the article text'));
      unplaced.forEach(function (c) { extra.appendChild(el('p', null, claimSpan(c, c.text))); });
    }
  }
  function claimSpan(c, text) {
    var rows = rowsByClaim[c.claim_id] || [];
    var v = claimVerdict(rows);
    var match = rows.some(rowMatches);
    var cls = 'claim' + (v ? ' v-' + v : '') + ((filtersOn() && !match) ? ' dim' : '') +
              (state.selected === c.claim_id ? ' selected' : '');
    var span = el('span', {class: cls, 'data-claim-id': c.claim_id, 'data-verdict': v || '', tabindex: '0', role: 'button',
                           title: v ? label(v) : 'no source checked'}, text);
    span.addEventListener('click', function () { select(c.claim_id); });
    span.addEventListener('keydown', function (ev) { if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(c.claim_id); } });
    return span;
  }
  function select(id) {
    state.selected = id;
    Array.prototype.forEach.call(document.querySelectorAll('.claim'), function (s) {
      s.classList.toggle('selected', s.getAttribute('data-claim-id') === id);
    });
    renderDetail();
  }

  // ------------------------------------------------------------ detail
  function reviewLine(r) {
    var p = el('p', {class: 'small review-state'}, 'review: ', el('span', {class: 'rs ' + r.review_state}, r.review_state));
    if (r.review_by) p.appendChild(document.createTextNode(' by ' + r.review_by + (r.review_at ? ' at ' + r.review_at.slice(0, 19).replace('T', ' ') : '')));
    if (r.reviewer_note) p.appendChild(el('span', {class: 'note'}, ' — ' + r.reviewer_note));
    return p;
  }
  function renderDetail() {
    var box = byId('detail'); clear(box);
    var c = claimsById[state.selected];
    if (!c) { box.appendChild(el('p', {class: 'empty'}, 'Select a highlighted claim to see its evidence.')); return; }
    box.appendChild(el('h2', null, 'Claim'));
    box.appendChild(el('p', {class: 'claim-text'}, c.text));
    box.appendChild(el('p', {class: 'small'}, 'type ' + (c.claim_type || '?') + ' · paragraph ' + c.paragraph +
      (c.cited_source_ids && c.cited_source_ids.length ? ' · cites ' + c.cited_source_ids.map(sourceTitle).join('; ') : '')));
    var rows = (rowsByClaim[c.claim_id] || []).slice();
    if (!rows.length) { box.appendChild(el('p', {class: 'empty'}, 'No source was examined for this claim.')); return; }
    rows.sort(function (a, b) { return (b.cited ? 1 : 0) - (a.cited ? 1 : 0) || (b.score || 0) - (a.score || 0); });
    var keys = keyWords(c.text);
    rows.forEach(function (r) {
      var card = el('article', {class: 'card' + (rowMatches(r) ? '' : ' dim'), 'data-source-id': r.source_id, 'data-claim-id': r.claim_id});
      var h = el('h3', null, el('span', null, sourceTitle(r.source_id)),
                 el('span', {class: 'badge v-' + r.effective_verdict}, label(r.effective_verdict)));
      if (r.effective_verdict !== r.verdict) h.appendChild(el('span', {class: 'small'}, '(machine: ' + label(r.verdict) + ')'));
      card.appendChild(h);
      var pub = DATA.sources[r.source_id] && DATA.sources[r.source_id].publisher;
      card.appendChild(el('p', {class: 'small'}, (pub ? pub + ' · ' : '') + (r.cited ? 'cited by the article' : 'not cited for this claim') +
        ' · score ' + (typeof r.score === 'number' ? r.score.toFixed(2) : '?')));
      if (r.evidence_text) {
        card.appendChild(el('blockquote', {class: 'evidence'}, marked(r.evidence_text, keys)));
        var where = el('p', {class: 'loc'}, loc(r) || 'location unknown');
        // a case's local file can be opened from a report that is itself on disk
        var href = safeUrl(r.evidence_url) ||
          (location.protocol === 'file:' && r.evidence_file && /^file:\/\/\//.test(r.evidence_file) ? r.evidence_file : null);
        if (href) {
          where.appendChild(document.createTextNode(' · '));
          where.appendChild(el('a', {href: href, target: '_blank', rel: 'noopener noreferrer nofollow', referrerpolicy: 'no-referrer', class: 'deep-link'}, 'open the original'));
        } else if (r.evidence_url) {
          where.appendChild(el('span', {class: 'small'}, ' · link not shown (not http/https): ' + r.evidence_url));
        }
        card.appendChild(where);
      } else {
        card.appendChild(el('p', {class: 'small'}, 'no evidence passage'));
      }
      if (r.reasons && r.reasons.length) {
        var ul = el('ul', {class: 'reasons'});
        r.reasons.forEach(function (x) { ul.appendChild(el('li', null, x)); });
        card.appendChild(ul);
      }
      card.appendChild(reviewLine(r));
      if (REVIEW) card.appendChild(reviewForm('source_claim', r.claim_id + '/' + r.source_id, r, VERDICTS));
      box.appendChild(card);
    });
  }

  // ------------------------------------------------------------ review form (app only)
  function reviewerName() {
    var i = byId('reviewer');
    return i ? i.value.trim() : '';
  }
  function reviewForm(kind, target, row, corrections) {
    var f = el('form', {class: 'review', 'data-target': target});
    var dec = el('select', {name: 'decision', 'aria-label': 'decision'});
    ['confirmed', 'rejected', 'corrected'].forEach(function (d) { dec.appendChild(el('option', {value: d}, d)); });
    var corr;
    if (corrections) {
      corr = el('select', {name: 'correction', 'aria-label': 'corrected verdict'});
      corrections.forEach(function (v) { corr.appendChild(el('option', {value: v}, label(v))); });
    } else {
      corr = el('input', {name: 'correction', placeholder: 'type:name', 'aria-label': 'corrected canonical id', size: '18'});
    }
    if (['confirmed', 'rejected', 'corrected'].indexOf(row.review_status) >= 0) dec.value = row.review_status;
    if (row.review_status === 'corrected') corr.value = kind === 'source_claim' ? row.effective_verdict : row.effective_canonical;
    corr.hidden = dec.value !== 'corrected';
    dec.addEventListener('change', function () { corr.hidden = dec.value !== 'corrected'; });
    var note = el('textarea', {name: 'note', placeholder: 'note', 'aria-label': 'note'});
    var btn = el('button', {type: 'submit'}, 'Save');
    var msg = el('span', {class: 'msg', 'aria-live': 'polite'});
    f.appendChild(dec); f.appendChild(corr); f.appendChild(note); f.appendChild(btn); f.appendChild(msg);
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      msg.className = 'msg'; msg.textContent = 'saving…';
      var body = {kind: kind, target_id: target, decision: dec.value,
                  correction: dec.value === 'corrected' ? corr.value : null,
                  note: note.value, reviewer: reviewerName()};
      fetch(REVIEW.api, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body),
                         credentials: 'same-origin'})
        .then(function (resp) { return resp.json().then(function (j) { return {ok: resp.ok, j: j}; }); })
        .then(function (res) {
          if (!res.ok) { msg.className = 'msg error'; msg.textContent = res.j.error || 'not saved'; return; }
          row.review_status = res.j.review_status; row.review_state = res.j.review_status || 'unreviewed';
          row.reviewer_note = res.j.reviewer_note; row.review_by = res.j.reviewer; row.review_at = res.j.decided_at;
          if (kind === 'source_claim') row.effective_verdict = res.j.effective_verdict;
          else row.effective_canonical = res.j.effective_canonical;
          renderAll();
          var again = document.querySelector('form.review[data-target="' + CSS.escape(target) + '"] .msg');
          if (again) { again.className = 'msg saved'; again.textContent = 'saved'; }
        })
        .catch(function (e) { msg.className = 'msg error'; msg.textContent = 'not saved: ' + e; });
    });
    return f;
  }

  // ------------------------------------------------------------ mentions & relations
  // Big tables are built page by page from the page's own data: the first
  // PAGE rows, then PAGE more per click, so a case with thousands of
  // relations opens as fast as a small one.
  var PAGE = 200;
  var shown = {mentions: PAGE, relations: PAGE};
  function pager(name, total, rerender) {
    var box = byId(name + '-more'); clear(box);
    var omitted = (DATA.omitted && DATA.omitted[name]) || 0;
    if (total > shown[name]) {
      box.appendChild(el('button', {type: 'button', class: 'more'}, 'show ' + Math.min(PAGE, total - shown[name]) + ' more of ' + (total - shown[name]) + ' not shown'));
      box.firstChild.addEventListener('click', function () { shown[name] += PAGE; rerender(); });
    }
    if (omitted) {
      box.appendChild(el('p', {class: 'small'}, omitted + ' more rows are not in this page; the full table is ' + name + '.csv / ' + name + '.parquet next to it.'));
    }
  }
  function renderMentions() {
    var body = byId('mentions-body'); clear(body);
    var rows = DATA.mentions.filter(function (m) {
      return !(state.source && m.source_id !== state.source) && !(state.review && m.review_state !== state.review);
    });
    rows.slice(0, shown.mentions).forEach(function (m) {
      var keys = {}; words(m.surface).forEach(function (w) { keys[w] = 1; });
      var tr = el('tr', {'data-mention-id': m.mention_id},
        el('td', null, sourceTitle(m.source_id)),
        el('td', null, m.page === null || m.page === undefined ? '' : String(m.page)),
        el('td', null, m.surface),
        el('td', null, m.effective_canonical, m.effective_canonical !== m.canonical ? el('span', {class: 'small'}, ' (machine: ' + m.canonical + ')') : null),
        el('td', null, m.kind),
        el('td', null, marked(m.sentence, keys)));
      var rv = el('td', null, reviewLine(m));
      if (REVIEW) rv.appendChild(reviewForm('mention', m.mention_id, m, null));
      tr.appendChild(rv);
      body.appendChild(tr);
    });
    byId('mentions-count').textContent = String(rows.length);
    pager('mentions', rows.length, renderMentions);
  }
  function renderRelations() {
    var body = byId('relations-body'); clear(body);
    var rows = DATA.relations.filter(function (r) { return !(state.source && r.source_id !== state.source); });
    rows.slice(0, shown.relations).forEach(function (r) {
      body.appendChild(el('tr', {'data-relation-id': r.relation_id},
        el('td', null, sourceTitle(r.source_id)),
        el('td', null, r.subject + (r.subject_type ? ' (' + r.subject_type + ')' : '')),
        el('td', null, (r.negated ? 'not ' : '') + r.predicate),
        el('td', null, r.object + (r.object_type ? ' (' + r.object_type + ')' : '')),
        el('td', null, r.modality),
        el('td', null, r.page === null || r.page === undefined ? '' : String(r.page)),
        el('td', null, r.sentence)));
    });
    byId('relations-count').textContent = String(rows.length);
    pager('relations', rows.length, renderRelations);
  }

  function renderAll() { renderChart(); renderArticle(); renderDetail(); renderMentions(); renderRelations(); }
  function render() { renderAll(); }

  if (REVIEW) {
    var who = byId('reviewer');
    try { who.value = window.localStorage.getItem('claimcheck-reviewer') || ''; } catch (e) { /* storage off */ }
    who.addEventListener('change', function () { try { window.localStorage.setItem('claimcheck-reviewer', who.value); } catch (e) { /* storage off */ } });
  }
  renderAll();
  document.body.setAttribute('data-ready', '1');
})();
