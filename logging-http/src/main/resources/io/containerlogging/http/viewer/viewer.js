// The container-logging web viewer. Log lines are untrusted: they reach the page only through
// textContent / text nodes, never as markup. No framework, no build step.
'use strict';
(() => {
  const ROW_H = 20;             // px; every row has the same height, which keeps the list virtual
  const MAX_LINES = 20000;      // lines kept in the page; older ones are dropped (and can be paged in again)
  const TAIL = 500;             // history replayed when a stream opens
  const PAGE = 500;             // older lines fetched per page when scrolled to the top
  const OVERSCAN = 15;          // rows rendered beyond the visible ones
  const TOKEN_KEY = 'container-logging-token';
  const FILTERS = ['serviceName', 'containerId', 'deviceId', 'level', 'sourceType', 'search', 'exclude', 'regex'];
  const LEVELS = ['debug', 'info', 'warn', 'error'];

  const $ = id => document.getElementById(id);
  const form = $('filters');
  const viewport = $('viewport');
  const spacer = $('spacer');
  const rowsEl = $('rows');

  let lines = [];               // oldest first, ascending ids
  let queue = [];               // received, not yet appended
  let flushPending = false;
  let renderPending = false;
  let lastId = null;            // the newest id appended from the stream: the resume position
  let received = 0;
  let repeats = 0;              // events at or below lastId (the server promises none; counted, not shown twice)
  let source = null;
  let following = true;
  let olderDone = false;
  let loadingOlder = false;
  let generation = 0;           // bumped at each filter change: answers for older filters are dropped
  let reconnectTimer = null;
  let currentQuery = null;
  let fieldParams = [];         // field.<path>=<value> from a deep link, passed through unchanged
  let firstLinesMs = null;
  let rowCache = new WeakMap(); // message -> its row element

  class AuthNeeded extends Error {}
  class ApiError extends Error {
    constructor(message, status) { super(message); this.status = status; }
  }

  const seq = id => Number(String(id).slice(4)); // "log-N"

  // ---- filters: form <-> query string ---------------------------------------------------

  function apiQuery(extra) {
    const p = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      const v = String(value).trim();
      if (FILTERS.includes(name) && v !== '') p.append(name, v);
    }
    for (const [k, v] of fieldParams) p.append(k, v);
    for (const k of Object.keys(extra || {})) p.set(k, extra[k]);
    return p.toString();
  }

  function restoreForm(params) {
    for (const el of form.elements) {
      if (!el.name || !FILTERS.includes(el.name)) continue;
      const values = params.getAll(el.name);
      if (el.type === 'checkbox') el.checked = values.includes(el.value);
      else el.value = values[0] || '';
    }
  }

  function applyFilters() {
    const q = apiQuery();
    if (q === currentQuery) return;
    currentQuery = q;
    history.replaceState(null, '', q ? '?' + q : location.pathname);
    generation++;
    clearTimeout(reconnectTimer);
    lines = []; queue = []; lastId = null; received = 0; repeats = 0;
    olderDone = false; following = true; rowCache = new WeakMap();
    $('notice').textContent = '';
    hideDetails();
    updateCounts();
    render();
    connect(false);
  }

  // ---- the API ----------------------------------------------------------------------------

  const token = () => sessionStorage.getItem(TOKEN_KEY);

  async function api(path, options) {
    const headers = {};
    const t = token();
    if (t) headers.Authorization = 'Bearer ' + t;
    const res = await fetch(path, Object.assign({ cache: 'no-store', headers }, options || {}));
    if (res.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      throw new AuthNeeded();
    }
    if (!res.ok) {
      let message = 'HTTP ' + res.status;
      try {
        const body = await res.json();
        if (body && body.error) message = body.error + (body.parameter ? ' (parameter ' + body.parameter + ')' : '');
      } catch (e) { /* not JSON */ }
      throw new ApiError(message, res.status);
    }
    return res.json();
  }

  async function connect(resume) {
    const gen = generation;
    clearTimeout(reconnectTimer);
    if (source) { source.close(); source = null; }
    setState('connecting…', '');
    const q = apiQuery();
    try {
      let ticket = null;
      if (token()) {
        // EventSource cannot send the token: trade it for a short-lived ticket bound to these filters.
        ticket = (await api('api/v1/stream-tickets' + (q ? '?' + q : ''), { method: 'POST' })).ticket;
      } else {
        // EventSource cannot read an error body: ask once with limit=0 so a refused filter (400)
        // or a required token (401) can be told to the user.
        await api('api/v1/logs?' + apiQuery({ limit: '0' }));
      }
      if (gen !== generation) return;
      const p = new URLSearchParams(q);
      if (resume && lastId) p.set('afterId', lastId); else p.set('tail', String(TAIL));
      if (ticket) p.set('ticket', ticket);
      hideError();
      openStream('api/v1/logs/stream?' + p, gen);
    } catch (e) {
      if (gen !== generation) return;
      if (e instanceof AuthNeeded) {
        setState('token needed', 'down');
        askToken();
      } else if (e instanceof ApiError && e.status === 400) {
        setState('filter refused', 'down');
        showError(e.message);
      } else {
        setState('reconnecting…', 'down');
        showError(e instanceof ApiError ? e.message : 'cannot reach the log API; retrying');
        scheduleReconnect();
      }
    }
  }

  function scheduleReconnect() {
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(() => connect(true), 2000);
  }

  function openStream(url, gen) {
    const es = new EventSource(url);
    source = es;
    $('state').dataset.stream = url; // for whoever debugs the page: which stream it reads
    es.onopen = () => { if (gen === generation) { hideError(); setFollowState(); } };
    es.onmessage = ev => {
      if (gen !== generation) return;
      let m;
      try { m = JSON.parse(ev.data); } catch (e) { return; }
      queue.push(m);
      // Batched: one append and render per 100 ms however fast lines come (the first at once).
      if (!flushPending) { flushPending = true; setTimeout(flush, lines.length ? 100 : 0); }
    };
    es.addEventListener('dropped', ev => {
      if (gen !== generation) return;
      // The server skipped lines for this slow page. Everything before the gap is in the queue:
      // append it, then resume right after it, which replays the skipped lines from the store.
      note(safeCount(ev, 'dropped') + ' lines skipped by the server for this page; fetching them again');
      flush();
      connect(true);
    });
    es.addEventListener('truncated', ev => {
      if (gen === generation) note(safeCount(ev, 'omitted') + ' older lines not replayed (scroll up to page them in)');
    });
    es.onerror = () => {
      if (gen !== generation) return;
      setState('reconnecting…', 'down');
      // CONNECTING: the browser retries by itself, with Last-Event-ID. CLOSED: the server answered
      // with an error (an expired ticket, 503): resume from the last id with a fresh start.
      if (es.readyState === EventSource.CLOSED) scheduleReconnect();
    };
  }

  function safeCount(ev, key) {
    try { return Number(JSON.parse(ev.data)[key]) || 0; } catch (e) { return 0; }
  }

  // ---- the list ---------------------------------------------------------------------------

  function flush() {
    flushPending = false;
    let added = 0;
    for (const m of queue) {
      received++;
      if (!m || typeof m.id !== 'string') continue;
      if (lastId !== null && seq(m.id) <= seq(lastId)) { repeats++; continue; }
      lines.push(m);
      lastId = m.id;
      added++;
    }
    queue = [];
    if (lines.length > MAX_LINES) {
      const cut = lines.length - MAX_LINES;
      lines.splice(0, cut);
      olderDone = false;
      if (!following) viewport.scrollTop = Math.max(0, viewport.scrollTop - cut * ROW_H);
    }
    updateCounts();
    if (added && firstLinesMs === null) {
      firstLinesMs = Math.round(performance.now());
      document.documentElement.dataset.firstLinesMs = String(firstLinesMs);
    }
    spacer.style.height = (lines.length * ROW_H) + 'px';
    if (following) viewport.scrollTop = viewport.scrollHeight;
    render();
  }

  function scheduleRender() {
    if (!renderPending) { renderPending = true; requestAnimationFrame(render); }
  }

  function render() {
    renderPending = false;
    spacer.style.height = (lines.length * ROW_H) + 'px';
    const top = viewport.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(lines.length, Math.ceil((top + viewport.clientHeight) / ROW_H) + OVERSCAN);
    const rows = [];
    for (let i = first; i < last; i++) rows.push(rowFor(lines[i], i));
    rowsEl.replaceChildren(...rows);
  }

  function levelOf(m) { return LEVELS.includes(m.level) ? m.level : 'info'; }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function rowFor(m, index) {
    let row = rowCache.get(m);
    if (!row) {
      const level = levelOf(m);
      row = el('div', 'row lvl-row-' + level);
      row.setAttribute('role', 'listitem');
      row.dataset.logId = m.id;
      const t = el('span', 't', timeText(m.timestamp));
      t.title = String(m.time || '');
      const s = el('span', 's', whoText(m));
      s.title = [m.serviceName, m.containerId, m.deviceId].filter(Boolean).join(' · ');
      const message = el('span', 'm');
      const text = String(m.message ?? '');
      appendAnsi(message, text);
      message.title = stripAnsi(text).slice(0, 2000);
      row.append(t, el('span', 'l lvl-' + level, level), s, message);
      const count = m.fields && typeof m.fields === 'object' ? Object.keys(m.fields).length : 0;
      if (count) {
        const b = el('button', 'f', '{' + count + '}');
        b.type = 'button';
        b.setAttribute('aria-label', 'Show ' + count + ' fields');
        b.addEventListener('click', () => showDetails(m));
        row.append(b);
      }
      row.addEventListener('dblclick', () => showDetails(m));
      rowCache.set(m, row);
    }
    row.style.top = (index * ROW_H) + 'px';
    return row;
  }

  const pad = (n, w) => String(n).padStart(w || 2, '0');

  function timeText(ms) {
    const d = new Date(Number(ms));
    if (isNaN(d)) return '';
    const time = pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3);
    return d.toDateString() === new Date().toDateString() ? time
      : d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + time;
  }

  function whoText(m) {
    if (m.serviceName) return String(m.serviceName);
    if (m.source && m.source.name) return String(m.source.name);
    if (m.containerId) return String(m.containerId).slice(0, 12);
    return m.source && m.source.type ? String(m.source.type) : '';
  }

  // ---- ANSI colours: SGR codes become class names, everything else is text ------------------

  const CSI = /\x1b\[([0-9;:]*)([@-~])/g;

  function stripAnsi(text) { return text.replace(CSI, ''); }

  function appendAnsi(target, text) {
    if (text.indexOf('\x1b') < 0) { target.textContent = text; return; }
    const st = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false };
    let last = 0;
    let match;
    CSI.lastIndex = 0;
    while ((match = CSI.exec(text)) !== null) {
      if (match.index > last) segment(target, text.slice(last, match.index), st);
      last = CSI.lastIndex;
      if (match[2] === 'm') applySgr(st, match[1]);
    }
    if (last < text.length) segment(target, text.slice(last), st);
  }

  function segment(target, text, st) {
    const cls = [];
    if (st.fg !== null) cls.push('ansi-fg-' + st.fg);
    if (st.bg !== null) cls.push('ansi-bg-' + st.bg);
    if (st.bold) cls.push('ansi-bold');
    if (st.dim) cls.push('ansi-dim');
    if (st.italic) cls.push('ansi-italic');
    if (st.underline) cls.push('ansi-underline');
    target.append(cls.length ? el('span', cls.join(' '), text) : document.createTextNode(text));
  }

  function applySgr(st, params) {
    const codes = params === '' ? [0] : params.split(/[;:]/).map(c => (c === '' ? 0 : Number(c)));
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c === 0) Object.assign(st, { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false });
      else if (c === 1) st.bold = true;
      else if (c === 2) st.dim = true;
      else if (c === 3) st.italic = true;
      else if (c === 4) st.underline = true;
      else if (c === 22) { st.bold = false; st.dim = false; }
      else if (c === 23) st.italic = false;
      else if (c === 24) st.underline = false;
      else if (c >= 30 && c <= 37) st.fg = c - 30;
      else if (c === 39) st.fg = null;
      else if (c >= 40 && c <= 47) st.bg = c - 40;
      else if (c === 49) st.bg = null;
      else if (c >= 90 && c <= 97) st.fg = c - 90 + 8;
      else if (c >= 100 && c <= 107) st.bg = c - 100 + 8;
      else if (c === 38 || c === 48) {
        const key = c === 38 ? 'fg' : 'bg';
        if (codes[i + 1] === 5) { const n = codes[i + 2]; st[key] = n >= 0 && n < 16 ? n : null; i += 2; }
        else if (codes[i + 1] === 2) { st[key] = null; i += 4; } // true colour: shown uncoloured
      }
    }
  }

  // ---- scrolling: follow, pause, older pages ------------------------------------------------

  function atBottom() {
    return viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - ROW_H;
  }

  viewport.addEventListener('scroll', () => {
    const bottom = atBottom();
    if (following !== bottom) { following = bottom; setFollowState(); }
    if (!following && viewport.scrollTop < 5 * ROW_H) loadOlder();
    scheduleRender();
  });

  function jumpToLive() {
    following = true;
    viewport.scrollTop = viewport.scrollHeight;
    setFollowState();
    render();
  }

  function keepBefore(logs, firstSeq) {
    return logs.filter(m => m && typeof m.id === 'string' && seq(m.id) < firstSeq).sort((a, b) => seq(a.id) - seq(b.id));
  }

  async function loadOlder() {
    if (loadingOlder || olderDone || !lines.length) return;
    if (lines.length >= MAX_LINES) {
      note('at most ' + MAX_LINES + ' lines are kept: narrow the filters or download');
      return;
    }
    loadingOlder = true;
    const gen = generation;
    const firstSeq = seq(lines[0].id);
    try {
      // The API pages forward by id, backward only by time: ask for the newest lines up to the
      // oldest shown (until is exclusive: +1 keeps its millisecond) and keep those with lower ids.
      const body = await api('api/v1/logs?' + apiQuery({ until: String(Number(lines[0].timestamp) + 1), limit: String(PAGE) }));
      if (gen !== generation) return;
      let older = keepBefore(body.logs, firstSeq);
      const full = body.logs.length >= PAGE || body.truncated;
      if (!full) olderDone = true;
      // A full page of nothing older: more than a page shares that millisecond (a burst). Step
      // back through id windows of one page each: each holds at most a page, so none is cut.
      for (let end = firstSeq, i = 0; full && !older.length && i < 40; end -= PAGE, i++) {
        const after = end - PAGE - 1;
        if (after < 1) {
          // No id before log-1 to page from: take everything up to that millisecond (capped by the server).
          const rest = await api('api/v1/logs?' + apiQuery({ until: String(Number(lines[0].timestamp) + 1) }));
          if (gen !== generation) return;
          older = keepBefore(rest.logs, firstSeq);
          olderDone = true;
          break;
        }
        const page = await api('api/v1/logs?' + apiQuery({ afterId: 'log-' + after, limit: String(PAGE) }));
        if (gen !== generation) return;
        older = keepBefore(page.logs, firstSeq);
      }
      if (older.length) {
        lines = older.concat(lines);
        spacer.style.height = (lines.length * ROW_H) + 'px';
        viewport.scrollTop += older.length * ROW_H;
        updateCounts();
        render();
      }
    } catch (e) {
      if (e instanceof AuthNeeded) askToken();
      else showError(e.message);
    } finally {
      loadingOlder = false;
    }
  }

  // ---- status, details, downloads -----------------------------------------------------------

  function setState(text, cls) {
    const s = $('state');
    s.textContent = text;
    s.className = cls;
  }

  function setFollowState() {
    $('live').hidden = following;
    if (source && source.readyState === EventSource.OPEN) setState(following ? 'live' : 'paused (scrolled up)', following ? 'live' : 'paused');
  }

  function updateCounts() {
    const c = $('counts');
    c.textContent = lines.length + ' lines shown, ' + received + ' received' + (repeats ? ', ' + repeats + ' repeats ignored' : '');
    c.dataset.shown = String(lines.length);
    c.dataset.received = String(received);
    c.dataset.repeats = String(repeats);
  }

  function note(text) { $('notice').textContent = text; }
  function showError(text) { const e = $('error'); e.textContent = text; e.hidden = false; }
  function hideError() { $('error').hidden = true; }

  function showDetails(m) {
    const body = $('details-table').tBodies[0];
    const rows = [['id', m.id], ['time', m.time], ['level', m.level + (m.levelSource ? ' (from ' + m.levelSource + ')' : '')],
      ['service', m.serviceName], ['container', m.containerId], ['device', m.deviceId],
      ['source', m.source ? m.source.type + (m.source.name ? ' ' + m.source.name : '') : ''],
      ['stream', m.isStdErr ? 'stderr' : 'stdout'], ['message', stripAnsi(String(m.message ?? ''))]];
    if (m.fields && typeof m.fields === 'object') {
      for (const k of Object.keys(m.fields)) rows.push(['field ' + k, JSON.stringify(m.fields[k])]);
    }
    body.replaceChildren(...rows.filter(r => r[1] !== undefined && r[1] !== null && r[1] !== '').map(([k, v]) => {
      const tr = el('tr');
      tr.append(el('td', '', k), el('td', '', String(v)));
      return tr;
    }));
    $('details-title').textContent = 'Line ' + m.id;
    $('details').hidden = false;
    $('details-close').focus();
  }

  function hideDetails() { $('details').hidden = true; }

  function download(name, type, text) {
    const a = el('a');
    a.href = URL.createObjectURL(new Blob([text], { type }));
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  function plainLine(m) {
    return (m.time || new Date(Number(m.timestamp)).toISOString()) + ' ' + levelOf(m).toUpperCase().padEnd(5) + ' '
      + (whoText(m) || '-') + ' ' + stripAnsi(String(m.message ?? ''));
  }

  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');

  // ---- token --------------------------------------------------------------------------------

  function askToken() {
    const d = $('token-dialog');
    if (!d.open) d.showModal();
    $('token').focus();
  }

  $('token-dialog').addEventListener('close', () => {
    if (!token()) showError('This log API needs its bearer token (LOG_API_TOKEN): reload the page to enter it.');
  });

  $('token-form').addEventListener('submit', () => {
    const v = $('token').value.trim();
    $('token').value = '';
    if (v) { sessionStorage.setItem(TOKEN_KEY, v); connect(lastId !== null); }
  });

  // ---- wiring -------------------------------------------------------------------------------

  form.addEventListener('submit', e => { e.preventDefault(); applyFilters(); });
  form.addEventListener('change', applyFilters);
  form.addEventListener('reset', () => { fieldParams = []; setTimeout(applyFilters, 0); });
  $('live').addEventListener('click', jumpToLive);
  $('details-close').addEventListener('click', hideDetails);
  $('download-ndjson').addEventListener('click',
    () => download('logs-' + stamp() + '.ndjson', 'application/x-ndjson', lines.map(m => JSON.stringify(m) + '\n').join('')));
  $('download-text').addEventListener('click',
    () => download('logs-' + stamp() + '.txt', 'text/plain', lines.map(m => plainLine(m) + '\n').join('')));
  viewport.addEventListener('keydown', e => {
    if (e.key === 'End') { e.preventDefault(); jumpToLive(); }
  });
  document.addEventListener('keydown', e => {
    const typing = e.target instanceof HTMLInputElement;
    if (e.key === '/' && !typing) { e.preventDefault(); form.elements.search.focus(); }
    if (e.key === 'Escape' && !$('details').hidden) hideDetails();
  });
  // The viewport shrinks when the fields panel opens: a following view stays at the bottom.
  new ResizeObserver(() => {
    if (following) viewport.scrollTop = viewport.scrollHeight;
    scheduleRender();
  }).observe(viewport);

  const initial = new URLSearchParams(location.search);
  fieldParams = [...initial].filter(([k]) => k.startsWith('field.'));
  restoreForm(initial);
  currentQuery = apiQuery();
  updateCounts();
  connect(false);
})();
