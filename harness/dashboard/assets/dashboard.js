// dashboard.js: the live dashboard (harness/dashboard/dashboard_page.h). Reads the mock's
// event stream (GET /__admin/events: `state` snapshots, `journal` batches whose id is the
// last seq, `gap` notices) and draws the panels; the admin API does everything else (clock,
// fault rules). All text goes in through textContent and every style through CSSOM, as
// the page's CSP requires. window.ebsmockDashboard exposes what the browser tests read.
'use strict';
(() => {
  const $ = (sel) => document.querySelector(sel);
  const SVG = 'http://www.w3.org/2000/svg';
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const svgEl = (tag, attrs) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  };

  const model = {
    entries: [],          // journal entries in seq order, without duplicates
    received: [],         // every seq the stream delivered, in order (duplicates kept)
    gaps: [],
    lastSeq: 0,
    state: null,
    follow: true,
    streamState: 'connecting',
    ruleHistory: new Map(),  // rule id -> fired counts, one per state update
    edges: {},               // "kind:from -> to" -> visits
    selected: null,
    rates: [],               // [wall ms, requests answered] samples for req/s
  };
  window.ebsmockDashboard = model;

  // ---- classification shared by the panels -------------------------------------------------
  const statusClass = (s) => (!s ? 'stable' : /fail|invalid|error|exception/i.test(s) ? 'failed' : /ing$/.test(s) ? 'transient' : 'stable');
  const transitionText = (t) => {
    if (!t) return '';
    const kind = ['pair', 'group', 'drill'].find((k) => k in t) || 'pair';
    return `${kind} ${t[kind]} ${t.from || '(new)'} \u2192 ${t.to}`;
  };
  const transitionsOf = (e) => [e.transition, ...(e.member_transitions || [])].filter(Boolean);
  const idsOf = (e, kind) => {
    const ids = new Set();
    const p = e.params || {};
    const keys = kind === 'pair' ? ['ReplicaPairId', 'PairId', 'PairIds'] : ['ReplicaGroupId', 'GroupId', 'GroupIds'];
    for (const k of keys) {
      if (typeof p[k] !== 'string') continue;
      for (const m of p[k].match(/[A-Za-z0-9_-]+/g) || []) ids.add(m);
    }
    for (const t of transitionsOf(e)) if (t[kind]) ids.add(t[kind]);
    return ids;
  };
  const outcomeOf = (e) => (e.kind === 'progress' ? 'progress' : e.code ? e.code : e.status === 0 ? 'no-answer' : e.status < 300 ? 'ok' : `http-${e.status}`);
  const answerClass = (e) => (e.status === 0 ? 'none' : e.status < 300 ? 'ok' : e.status < 500 ? 'refused' : 'error');

  // ---- filters ------------------------------------------------------------------------------
  const filters = {};
  const matches = (e) => {
    if (filters.action && e.action !== filters.action) return false;
    if (filters.pair && !idsOf(e, 'pair').has(filters.pair)) return false;
    if (filters.group && !idsOf(e, 'group').has(filters.group)) return false;
    if (filters.status && String(e.status) !== filters.status && e.code !== filters.status && outcomeOf(e) !== filters.status) return false;
    if (filters.rule && (!e.fault || e.fault.rule !== filters.rule)) return false;
    if (filters.token && e.client_token !== filters.token) return false;
    return true;
  };
  $('#filters').addEventListener('input', (ev) => {
    filters[ev.target.name] = ev.target.value.trim();
    render();
  });
  $('#filters').addEventListener('submit', (ev) => ev.preventDefault());

  // ---- live journal -------------------------------------------------------------------------
  const ROW = 24;
  const KEEP = 10000;
  let rows = [];
  // Retries share a ClientToken: one row per token, holding every attempt.
  const groupRows = () => {
    const byToken = new Map();
    const out = [];
    for (const e of model.entries) {
      if (!matches(e)) continue;
      if (e.kind !== 'progress' && e.client_token) {
        let row = byToken.get(e.client_token);
        if (!row) {
          row = { entries: [] };
          byToken.set(e.client_token, row);
          out.push(row);
        }
        row.entries.push(e);
      } else {
        out.push({ entries: [e] });
      }
    }
    const last = (r) => r.entries[r.entries.length - 1].seq;
    return out.sort((a, b) => last(b) - last(a));
  };
  const rowElement = (row, index) => {
    const e = row.entries[row.entries.length - 1];
    const div = el('div', `jrow ${e.kind === 'progress' ? 'progress' : answerClass(e)}`);
    div.style.top = `${index * ROW}px`;
    div.dataset.seqs = row.entries.map((x) => x.seq).join(',');
    div.dataset.count = String(row.entries.length);
    div.dataset.token = e.client_token || '';
    const seqCell = el('span', null, e.seq);
    if (row.entries.length > 1) seqCell.append(el('span', 'retries', `\u00d7${row.entries.length}`));
    const resource = [...idsOf(e, 'pair'), ...idsOf(e, 'group')].join(' ');
    const fault = e.fault ? `${e.fault.rule}${e.fault.commit === 'after' && e.effect_applied ? ' \u26a0' : ''}` : e.idempotence || '';
    const cells = [seqCell, el('span', null, e.time), el('span', null, e.kind === 'progress' ? transitionText(e.transition) : e.action),
      el('span', null, resource), el('span', null, e.kind === 'progress' ? '' : `${e.status} ${e.code || ''}`),
      el('span', e.fault ? 'fault' : null, fault), el('span', 'token', e.client_token || '')];
    if (e.fault && e.fault.commit === 'after' && e.effect_applied) cells[5].classList.add('ambiguous');
    div.append(...cells);
    if (model.selected === div.dataset.seqs) div.classList.add('selected');
    div.addEventListener('click', () => showDetails(row, div.dataset.seqs));
    return div;
  };
  const view = $('#journal-view');
  const drawRows = () => {
    for (const old of view.querySelectorAll('.jrow')) old.remove();
    $('#journal-spacer').style.height = `${rows.length * ROW}px`;
    // Only the rows in sight (and a few around) are in the DOM, however long the journal.
    const first = Math.max(0, Math.floor(view.scrollTop / ROW) - 5);
    const last = Math.min(rows.length, first + Math.ceil(view.clientHeight / ROW) + 10);
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) frag.append(rowElement(rows[i], i));
    view.append(frag);
  };
  view.addEventListener('scroll', () => drawRows());
  const curlOf = (e) => {
    const args = Object.entries(e.params || {}).map(([k, v]) => ` \\\n  --data-urlencode '${`${k}=${v}`.replace(/'/g, "'\\''")}'`).join('');
    // Signed calls carry Action and Version in headers, so the journal's params lack them;
    // the EBS API has one version. The command is unsigned: for worlds that do not verify.
    const action = encodeURIComponent(e.action || '');
    return `curl -sS -X ${e.method || 'POST'} '${location.origin}/?Action=${action}&Version=2021-07-30'${args}`;
  };
  const showDetails = (row, key) => {
    model.selected = key;
    const e = row.entries[row.entries.length - 1];
    $('#details').hidden = false;
    $('#details-title').textContent = row.entries.length > 1
      ? `${e.action}: ${row.entries.length} attempts with ClientToken ${e.client_token}` : `#${e.seq} ${e.action || transitionText(e.transition)}`;
    $('#details-curl').textContent = e.kind === 'progress' ? '' : curlOf(e);
    $('#details-body').textContent = row.entries.map((x) => {
      const moved = transitionsOf(x).map(transitionText).join('\n');
      return `#${x.seq} ${x.time} ${outcomeOf(x)}${moved ? `\ntransition: ${moved}` : ''}\nparams: ${JSON.stringify(x.params || {}, null, 2)}` +
        `${x.fault ? `\nfault: ${JSON.stringify(x.fault)}` : ''}`;
    }).join('\n\n');
    drawRows();
  };
  $('#close-details').addEventListener('click', () => { $('#details').hidden = true; model.selected = null; drawRows(); });
  $('#copy-curl').addEventListener('click', () => {
    const text = $('#details-curl').textContent;
    if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
  });

  // ---- fault rules --------------------------------------------------------------------------
  const sparkline = (values) => {
    const w = 90, h = 18;
    const svg = svgEl('svg', { class: 'spark', width: w, height: h, viewBox: `0 0 ${w} ${h}` });
    const max = Math.max(1, ...values);
    const pts = values.map((v, i) => `${(i * w) / Math.max(1, values.length - 1)},${h - 1 - ((h - 2) * v) / max}`);
    svg.append(svgEl('polyline', { points: pts.join(' ') }));
    return svg;
  };
  const admin = async (method, path, body) => {
    const r = await fetch(path, { method, body, credentials: 'same-origin' });
    let json = null;
    try { json = await r.json(); } catch (err) { json = null; }
    return { status: r.status, json };
  };
  // Armed delete buttons survive redraws: rule id -> when the arming runs out (ms).
  const armed = new Map();
  let drawnRules = '';
  const drawRules = () => {
    const rules = (model.state && model.state.faults.rules) || [];
    const now = Date.now();
    for (const [id, until] of armed) if (until <= now) armed.delete(id);
    // Redrawn only when something shown changed, so a click never lands on a stale row.
    const signature = JSON.stringify([rules, [...armed.keys()]]);
    if (signature === drawnRules) return;
    drawnRules = signature;
    const tbody = $('#rule-rows');
    tbody.textContent = '';
    for (const rule of rules) {
      const tr = el('tr', 'rule');
      tr.dataset.id = rule.id;
      const match = ['action', 'pair', 'group', 'when_status', 'client_token', 'calls', 'times', 'probability']
        .filter((k) => k in rule).map((k) => `${k}=${JSON.stringify(rule[k])}`).join(' ');
      const does = ['error', 'status', 'transport', 'delay', 'commit'].filter((k) => k in rule).map((k) => `${k}=${JSON.stringify(rule[k])}`).join(' ');
      const del = el('button', armed.has(rule.id) ? 'delete armed' : 'delete', armed.has(rule.id) ? 'really delete?' : 'delete');
      del.type = 'button';
      del.addEventListener('click', async () => {
        // Two steps: the first click arms, the second (within 5 s) deletes.
        if (!armed.has(rule.id)) {
          armed.set(rule.id, Date.now() + 5000);
          setTimeout(() => render(), 5100);
          render();
          return;
        }
        armed.delete(rule.id);
        const r = await admin('DELETE', `/__admin/faults/${encodeURIComponent(rule.id)}`);
        if (r.status !== 200) notice(r.json && r.json.error);
        render();
      });
      tr.append(el('td', 'token', rule.id), el('td', null, match), el('td', null, does), el('td', 'num matched', rule.matched),
        el('td', 'num fired', rule.fired));
      const spark = el('td');
      spark.append(sparkline(model.ruleHistory.get(rule.id) || [rule.fired]));
      const act = el('td');
      act.append(del);
      tr.append(spark, act);
      tbody.append(tr);
    }
  };
  $('#add-rule').addEventListener('click', async () => {
    const out = $('#rule-errors');
    const r = await admin('POST', '/__admin/faults', $('#rule-toml').value);
    if (r.status === 201) {
      out.hidden = true;
      $('#rule-toml').value = '';
      return;
    }
    out.hidden = false;
    out.textContent = r.json && r.json.diagnostics ? r.json.diagnostics.join('\n') : (r.json && r.json.error) || `HTTP ${r.status}`;
  });

  // ---- pairs and groups board ---------------------------------------------------------------
  const history = (kind, id) => {
    const segs = [];
    for (const e of model.entries) {
      for (const t of transitionsOf(e)) if (t[kind] === id) segs.push({ to: t.to, seq: e.seq, time: e.time });
    }
    return segs;
  };
  const card = (kind, j) => {
    const id = kind === 'pair' ? j.ReplicaPairId : j.ReplicaGroupId;
    const div = el('div', `card ${statusClass(j.Status)}`);
    div.dataset.id = id;
    div.dataset.kind = kind;
    div.append(el('div', 'id', `${kind} ${id}`), el('div', 'status', j.Status));
    if (j._pending) {
      const now = Date.parse(model.state.health.clock.now);
      const eta = Math.max(0, Math.round((Date.parse(j._pending.due) - now) / 1000));
      const p = el('div', 'pending', `\u2192 ${j._pending.to} in ${eta} s (virtual)`);
      p.dataset.due = j._pending.due;
      div.append(p);
    }
    // Mini timeline: one segment per status the journal saw, oldest first.
    const segs = history(kind, id).slice(-12);
    if (segs.length) {
      const svg = svgEl('svg', { class: 'mini', width: 200, height: 10 });
      const w = 200 / segs.length;
      segs.forEach((s, i) => {
        const r = svgEl('rect', { x: i * w, y: 0, width: Math.max(1, w - 1), height: 10, class: statusClass(s.to) });
        const title = svgEl('title');
        title.textContent = `#${s.seq} ${s.time} ${s.to}`;
        r.append(title);
        svg.append(r);
      });
      div.append(svg);
    }
    return div;
  };
  const drawBoards = () => {
    const s = model.state;
    if (!s) return;
    const pairs = $('#pair-cards');
    pairs.textContent = '';
    for (const p of s.pairs) pairs.append(card('pair', p));
    const groups = $('#group-cards');
    groups.textContent = '';
    for (const g of s.groups) groups.append(card('group', g));
  };

  // ---- state machines -----------------------------------------------------------------------
  const countEdges = (entries) => {
    for (const e of entries) {
      for (const t of transitionsOf(e)) {
        const kind = ['pair', 'group', 'drill'].find((k) => k in t);
        const key = `${kind}:${t.from || 'start'} -> ${t.to}`;
        model.edges[key] = (model.edges[key] || 0) + 1;
      }
    }
  };
  const drawMachines = () => {
    for (const svg of document.querySelectorAll('svg.coverage')) {
      const kind = svg.dataset.machine;
      const edges = svg.querySelectorAll('g.edge');
      const visited = [...edges].filter((g) => model.edges[`${kind}:${g.dataset.from} -> ${g.dataset.to}`]).length;
      const heading = svg.closest('.scroll') && svg.closest('.scroll').previousElementSibling;
      if (heading) heading.textContent = `${kind} machine: ${visited} of ${edges.length} transitions visited`;
      for (const g of edges) {
        const n = model.edges[`${kind}:${g.dataset.from} -> ${g.dataset.to}`] || 0;
        if (String(n) === g.dataset.visits) continue;
        g.dataset.visits = String(n);
        g.querySelector('text').textContent = String(n);
        g.classList.toggle('unvisited', n === 0);
        g.classList.toggle('visited', n > 0);
        g.classList.add('pulse');
        setTimeout(() => g.classList.remove('pulse'), 1500);
      }
    }
  };

  // ---- outcomes over time -------------------------------------------------------------------
  const drawChart = () => {
    const svg = $('#outcome-chart');
    svg.textContent = '';
    const requests = model.entries.filter((e) => e.kind !== 'progress');
    if (!requests.length) return;
    const second = (e) => Math.floor(Date.parse(e.time) / 1000);
    const t0 = second(requests[0]);
    const buckets = new Map();
    const bands = new Map();  // rule -> [first second, last second]
    for (const e of requests) {
      const s = second(e) - t0;
      const b = buckets.get(s) || { ok: 0, refused: 0, error: 0, none: 0 };
      b[answerClass(e)]++;
      buckets.set(s, b);
      if (e.fault) {
        const band = bands.get(e.fault.rule) || [s, s];
        band[1] = s;
        bands.set(e.fault.rule, band);
      }
    }
    const span = Math.max(...buckets.keys()) + 1;
    const w = Math.max(4, Math.min(40, 880 / span)), h = 150;
    const max = Math.max(1, ...[...buckets.values()].map((b) => b.ok + b.refused + b.error + b.none));
    let row = 0;
    for (const [rule, [a, b]] of bands) {
      const r = svgEl('rect', { class: 'band', x: 10 + a * w, y: 0, width: (b - a + 1) * w, height: h, 'data-rule': rule });
      const title = svgEl('title');
      title.textContent = `fault rule ${rule} fired`;
      r.append(title);
      svg.append(r);
      row++;
    }
    for (const [s, b] of buckets) {
      let y = h;
      for (const cls of ['ok', 'refused', 'error', 'none']) {
        if (!b[cls]) continue;
        const bh = (b[cls] / max) * (h - 10);
        y -= bh;
        svg.append(svgEl('rect', { class: cls, x: 10 + s * w, y, width: Math.max(1, w - 1), height: bh, 'data-second': s, 'data-count': b[cls] }));
      }
    }
    for (const e of model.entries) {
      if (e.kind === 'progress' && !e.event) {
        const x = 10 + (second(e) - t0) * w;
        if (x >= 10) svg.append(svgEl('line', { class: 'tick', x1: x, x2: x, y1: 0, y2: h }));
      }
    }
    svg.setAttribute('width', String(Math.max(900, 20 + span * w)));
  };

  // ---- status bar ---------------------------------------------------------------------------
  const drawStatus = () => {
    const s = model.state;
    const state = $('#stream-state');
    const shown = model.follow ? model.streamState : 'paused';
    state.textContent = shown;
    state.className = `chip ${shown}`;
    if (!s) return;
    const h = s.health;
    $('#scenario').textContent = h.scenario;
    $('#seed').textContent = String(h.seed);
    $('#clock').textContent = h.clock.now;
    $('#clock').dataset.mode = h.clock.mode;
    const count = (o) => Object.values(o || {}).reduce((a, b) => a + b, 0);
    $('#answers').textContent = `model ${count(h.answers.model)}, fault rules ${count(h.answers.fault)}`;
    $('#journal-use').textContent = `${h.journal.entries} kept, ${h.journal.dropped} dropped`;
    const answered = count(h.answers.model) + count(h.answers.fault);
    const now = Date.now();
    model.rates.push([now, answered]);
    while (model.rates.length > 2 && now - model.rates[0][0] > 5000) model.rates.shift();
    const [t0, n0] = model.rates[0];
    $('#req-rate').textContent = now > t0 ? ((answered - n0) / ((now - t0) / 1000)).toFixed(1) : '0';
    for (const b of document.querySelectorAll('[data-advance], #advance-next')) b.disabled = h.clock.mode !== 'virtual';
  };

  // ---- rendering ----------------------------------------------------------------------------
  let pending = false;
  function render() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      drawStatus();
      if (!model.follow) return;
      rows = groupRows();
      const shown = rows.reduce((a, r) => a + r.entries.length, 0);
      const summary = $('#journal-summary');
      summary.textContent = `${shown} of ${model.entries.length} entries in ${rows.length} rows`;
      summary.dataset.entries = String(shown);
      summary.dataset.rows = String(rows.length);
      summary.dataset.total = String(model.entries.length);
      summary.dataset.lastSeq = String(model.lastSeq);
      drawRows();
      drawRules();
      drawBoards();
      drawMachines();
      drawChart();
    });
  }
  $('#follow').addEventListener('click', () => {
    model.follow = !model.follow;
    $('#follow').textContent = model.follow ? 'pause' : 'follow';
    $('#follow').setAttribute('aria-pressed', String(model.follow));
    render();
  });

  // ---- clock --------------------------------------------------------------------------------
  const advance = async (by) => {
    const r = await admin('POST', `/__admin/clock/advance?by=${encodeURIComponent(by)}`);
    if (r.status !== 200) notice(r.json && r.json.error);
  };
  for (const b of document.querySelectorAll('[data-advance]')) b.addEventListener('click', () => advance(b.dataset.advance));
  $('#advance-next').addEventListener('click', () => {
    const s = model.state;
    if (!s) return;
    const now = Date.parse(s.health.clock.now);
    const dues = [...s.pairs, ...s.groups].filter((x) => x._pending).map((x) => Date.parse(x._pending.due) - now);
    if (dues.length) advance(`${Math.max(1, Math.min(...dues))}ms`);
  });
  const notice = (text) => {
    const n = $('#notice');
    n.hidden = !text;
    n.textContent = text || '';
  };

  // ---- drill report export ------------------------------------------------------------------
  $('#save-report').addEventListener('click', async () => {
    const r = await fetch('/__admin/drill/report', { credentials: 'same-origin' });
    if (!r.ok) { notice(`save report: HTTP ${r.status}`); return; }
    const blob = await r.blob();
    const a = el('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'ebsmock-drill-report.html';
    document.body.append(a);
    a.click();
    a.remove();
  });

  // ---- the stream ---------------------------------------------------------------------------
  let source = null;
  const connect = () => {
    // After a refusal (e.g. too many streams) EventSource gives up; a new one resumes
    // after the last seq this page has.
    source = new EventSource(`/__admin/events${model.lastSeq ? `?since=${model.lastSeq}` : ''}`);
    source.addEventListener('open', () => { model.streamState = 'live'; render(); });
    source.addEventListener('error', () => {
      model.streamState = 'reconnecting';
      render();
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 2000);
    });
    source.addEventListener('state', (ev) => {
      model.state = JSON.parse(ev.data);
      for (const rule of model.state.faults.rules) {
        const h = model.ruleHistory.get(rule.id) || [];
        h.push(rule.fired);
        if (h.length > 40) h.shift();
        model.ruleHistory.set(rule.id, h);
      }
      if (model.state.drill_verdict) {
        const v = $('#drill-verdict');
        v.hidden = false;
        v.textContent = `drill: ${model.state.drill_verdict.verdict}`;
        v.className = `chip ${model.state.drill_verdict.verdict.toLowerCase()}`;
      }
      render();
    });
    source.addEventListener('gap', (ev) => { model.gaps.push(JSON.parse(ev.data)); });
    source.addEventListener('journal', (ev) => {
      const fresh = [];
      for (const e of JSON.parse(ev.data)) {
        model.received.push(e.seq);
        if (e.seq <= model.lastSeq) continue;
        model.lastSeq = e.seq;
        fresh.push(e);
      }
      model.entries.push(...fresh);
      // The page keeps what the mock's ring keeps by default; edge counts keep everything.
      if (model.entries.length > KEEP) model.entries.splice(0, model.entries.length - KEEP);
      countEdges(fresh);
      render();
    });
  };
  connect();
  // Tests drop the stream on purpose to prove the resume.
  model.dropStream = () => { source.close(); model.streamState = 'reconnecting'; render(); setTimeout(connect, 100); };
})();
