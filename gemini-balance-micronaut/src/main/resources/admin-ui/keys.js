// gemini-balance admin: the keys page. Reads GET /admin/keys every few seconds, filters, sorts and pages it in
// the browser (only the visible page is drawn, so 5,000 keys stay fast), and runs the per-key and bulk actions
// through the admin API. Keys are only ever shown masked (the API never sends more); pasted keys leave the
// text box as soon as they are sent and are listed masked.
'use strict';
(function () {
  const GB = window.GB;
  const t = GB.t;

  const REFRESH_MS = 5000;
  const CONCURRENCY = 4;
  const STATES = ['ACTIVE', 'COOLING', 'EXHAUSTED', 'FAILING', 'INVALID', 'DISABLED', 'DELETED'];

  const view = {
    keys: [],
    summary: {},
    loaded: false,
    state: '',
    text: '',
    sort: '',
    descending: false,
    page: 0,
    pageSize: 50,
    selected: new Set(),
    showDeleted: false,
    filtered: [],
    busy: false,
  };

  const $ = (id) => document.getElementById(id);
  let refreshTimer = null;
  let loading = null;
  let loadFailed = false;
  const endedSeen = new Set();

  // ---- loading ----

  // Fetches the list again. After a change (changed = true) a fetch already under way may predate the
  // change, so a new one follows it; the header's usable count is refreshed too.
  async function refresh(changed) {
    while (loading) {
      if (changed !== true) {
        return loading;
      }
      await loading;
    }
    loading = (async () => {
      const result = await (firstList || fetchList());
      firstList = null;
      if (result.ok && result.data && Array.isArray(result.data.keys)) {
        view.keys = result.data.keys;
        view.summary = result.data.summary || {};
        view.loaded = true;
        const known = new Set(view.keys.map((k) => k.id));
        for (const id of Array.from(view.selected)) {
          if (!known.has(id)) {
            view.selected.delete(id);
          }
        }
        render();
        if (changed === true) {
          GB.refreshHealth();
        }
        if (loadFailed) {
          loadFailed = false;
          GB.message('', 'info'); // the list loads again: its failure is over
        }
      } else if (result.status !== 401) {
        loadFailed = true;
        GB.message(GB.failureText(result, 'GET /admin/keys'), 'error');
      }
    })();
    try {
      await loading;
    } finally {
      loading = null;
    }
  }

  // The pool's keys; with "Show deleted keys", also GET /admin/keys?deleted=true (the deleted keys, with
  // deleted_at), shown as rows in the state DELETED.
  async function fetchList() {
    const pool = GB.api('GET', '/admin/keys');
    if (!view.showDeleted) {
      return pool;
    }
    const [list, deleted] = await Promise.all([pool, GB.api('GET', '/admin/keys?deleted=true')]);
    if (!list.ok || !list.data) {
      return list;
    }
    const rows = deleted.ok && deleted.data && Array.isArray(deleted.data.keys) ? deleted.data.keys : null;
    if (!rows || deleted.data.summary) {
      // an error, or a server that ignores the parameter and answers the pool again
      const failure = !deleted.ok ? deleted : { ok: false, status: 404, data: null, missingRoute: true };
      GB.message(GB.failureText(failure, 'GET /admin/keys?deleted=true'), 'error');
      return list;
    }
    const gone = rows.map((k) => Object.assign({}, k, { state: 'DELETED' }));
    return Object.assign({}, list, { data: { keys: list.data.keys.concat(gone),
      summary: Object.assign({}, list.data.summary, { DELETED: gone.length }) } });
  }

  // The first list is asked for at once, while the language bundle loads, not after it.
  let firstList = fetchList();

  function schedule() {
    clearInterval(refreshTimer);
    refreshTimer = setInterval(() => {
      if (!document.hidden) {
        refresh();
      }
    }, REFRESH_MS);
  }

  // ---- filter, sort, page ----

  function stateRank(state) {
    const i = STATES.indexOf(state);
    return i < 0 ? STATES.length : i;
  }

  /** When the key serves again: the latest cooldown or the end of a timed disable; null when it does now. */
  function backAt(k) {
    let latest = null;
    for (const until of Object.values(k.cooldowns || {})) {
      const at = Date.parse(until);
      if (!isNaN(at) && (latest === null || at > latest)) {
        latest = at;
      }
    }
    if (k.disabled_until) {
      const at = Date.parse(k.disabled_until);
      if (!isNaN(at) && (latest === null || at > latest)) {
        latest = at;
      }
    }
    return latest;
  }

  const SORTS = {
    id: (k) => k.id,
    state: (k) => stateRank(k.state),
    until: (k) => { const at = backAt(k); return at === null ? 0 : at; },
    failures: (k) => k.consecutive_failures || 0,
    last_error: (k) => (k.last_error && k.last_error.at ? Date.parse(k.last_error.at) || 0 : 0),
    requests: (k) => k.requests_today || 0,
    tokens: (k) => k.tokens_today || 0,
  };

  function matches(k, query) {
    if (view.state && k.state !== view.state) {
      return false;
    }
    if (!query) {
      return true;
    }
    const fields = [k.id, k.key, k.note, k.state, k.last_error && k.last_error.reason,
      k.last_error && String(k.last_error.status)].concat(Object.keys(k.cooldowns || {}));
    return fields.some((v) => v && String(v).toLowerCase().includes(query));
  }

  function filteredKeys() {
    const query = view.text.trim().toLowerCase();
    const rows = view.keys.filter((k) => matches(k, query));
    if (view.sort && SORTS[view.sort]) {
      const by = SORTS[view.sort];
      const sign = view.descending ? -1 : 1;
      rows.sort((a, b) => {
        const x = by(a);
        const y = by(b);
        return (x < y ? -1 : x > y ? 1 : 0) * sign;
      });
    }
    return rows;
  }

  // ---- drawing ----

  function render() {
    view.filtered = filteredKeys();
    const pages = Math.max(1, Math.ceil(view.filtered.length / view.pageSize));
    view.page = Math.min(Math.max(0, view.page), pages - 1);
    const slice = view.filtered.slice(view.page * view.pageSize, (view.page + 1) * view.pageSize);

    const body = $('keys-body');
    const focus = rememberFocus(body);
    const openMenu = body.querySelector('details.menu[open]');
    const openMenuId = openMenu ? openMenu.dataset.id : null;

    const rows = document.createDocumentFragment();
    for (const k of slice) {
      rows.appendChild(row(k));
    }
    if (slice.length === 0) {
      const tr = document.createElement('tr');
      tr.className = 'empty';
      const td = cell(tr, '');
      td.colSpan = 8;
      td.textContent = !view.loaded ? t('keys.loading') : view.keys.length === 0 ? t('keys.none') : t('keys.noMatch');
      rows.appendChild(tr);
    }
    body.replaceChildren(rows);

    if (openMenuId) {
      const menu = body.querySelector('details.menu[data-id="' + CSS.escape(openMenuId) + '"]');
      if (menu) {
        menu.open = true;
      }
    }
    restoreFocus(body, focus);
    renderSummary();
    renderPager(pages);
    renderSelection(slice);
    renderSortHeaders();
    tick();
    if (view.loaded && !performance.getEntriesByName('gb-keys-rendered').length) {
      performance.mark('gb-keys-rendered'); // the browser tests read when the first page of keys was drawn
    }
  }

  function cell(tr, label, className) {
    const td = document.createElement('td');
    if (label) {
      td.dataset.label = label;
    }
    if (className) {
      td.className = className;
    }
    tr.appendChild(td);
    return td;
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined && text !== null) {
      e.textContent = text;
    }
    return e;
  }

  function stateLabel(state) {
    return STATES.includes(state) ? t('state.' + state) : state;
  }

  function row(k) {
    const tr = document.createElement('tr');
    tr.dataset.id = k.id;
    tr.dataset.state = k.state;

    const select = cell(tr, '', 'col-select');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.className = 'row-select';
    box.dataset.id = k.id;
    box.checked = view.selected.has(k.id);
    box.setAttribute('aria-label', t('keys.selectKey', { id: k.id }));
    select.appendChild(box);

    const key = cell(tr, t('col.key'), 'col-key');
    key.appendChild(el('code', 'masked', k.key));
    key.appendChild(el('span', 'key-id', k.id));
    if (k.note) {
      key.appendChild(el('span', 'note', k.note));
    }

    const state = cell(tr, t('col.state'), 'col-state');
    state.appendChild(el('span', 'badge state-' + (STATES.includes(k.state) ? k.state : 'OTHER'), stateLabel(k.state)));
    const cooldowns = Object.entries(k.cooldowns || {}).sort((a, b) => Date.parse(a[1]) - Date.parse(b[1]));
    for (const [model, until] of cooldowns.slice(0, 3)) {
      const line = el('span', 'countdown');
      line.dataset.until = until;
      line.dataset.prefix = model;
      line.title = t('keys.cooldownTitle', { model: model, time: GB.formatDateTime(until) });
      state.appendChild(line);
    }
    if (cooldowns.length > 3) {
      state.appendChild(el('span', 'more', t('keys.moreModels', { count: cooldowns.length - 3 })));
    }
    if (k.deleted_at) {
      const when = el('time', 'detail', t('keys.deletedAgo', { ago: GB.formatAgo(k.deleted_at) }));
      when.dateTime = k.deleted_at;
      when.title = GB.formatDateTime(k.deleted_at);
      state.appendChild(when);
    }
    if (k.disabled_until) {
      const line = el('span', 'countdown');
      line.dataset.until = k.disabled_until;
      line.dataset.prefix = t('keys.disabledFor');
      line.title = t('keys.disabledUntil', { time: GB.formatDateTime(k.disabled_until) });
      state.appendChild(line);
    } else if (k.state === 'DISABLED') {
      state.appendChild(el('span', 'detail', t('keys.disabledUntilEnabled')));
    }

    const number = (v) => (typeof v === 'number' ? GB.formatNumber(v) : '—');
    cell(tr, t('col.failures'), 'num').textContent = number(k.consecutive_failures);

    const last = cell(tr, t('col.lastError'), 'col-error');
    if (k.last_error) {
      const e = k.last_error;
      last.appendChild(el('span', 'error-status', e.status ? String(e.status) : t('keys.noResponse')));
      if (e.reason) {
        last.appendChild(el('span', 'error-reason', e.reason));
      }
      if (e.at) {
        const time = el('time', 'ago', GB.formatAgo(e.at));
        time.dateTime = e.at;
        time.title = GB.formatDateTime(e.at);
        last.appendChild(time);
      }
      const link = el('a', 'errors-link', t('keys.errorsLink'));
      link.href = '/admin/pages/logs?tab=errors&key=' + encodeURIComponent(k.id);
      last.appendChild(link);
    } else {
      last.appendChild(el('span', 'none', '—'));
      last.lastChild.setAttribute('aria-label', t('keys.noError'));
    }

    cell(tr, t('col.requests'), 'num').textContent = number(k.requests_today);
    cell(tr, t('col.tokens'), 'num').textContent = number(k.tokens_today);

    const actions = cell(tr, t('col.actions'), 'col-actions');
    actions.appendChild(menu(k));
    return tr;
  }

  function menu(k) {
    const details = el('details', 'menu');
    details.dataset.id = k.id;
    const summary = el('summary', '', t('col.actions'));
    summary.setAttribute('aria-label', t('keys.actionsFor', { id: k.id }));
    details.appendChild(summary);
    const list = el('div', 'menu-items');
    const deleted = k.state === 'DELETED';
    const add = (action, label, danger) => {
      const b = el('button', danger ? 'danger' : '', label);
      b.type = 'button';
      b.dataset.action = action;
      b.dataset.id = k.id;
      list.appendChild(b);
    };
    if (deleted) {
      add('restore', t('action.restore'));
    } else {
      add('check', t('action.check'));
      add('reset', t('action.reset'));
      if (k.state === 'DISABLED') {
        add('enable', t('action.enable'));
      } else {
        add('disable', t('action.disable'));
      }
      add('note', t('action.note'));
      add('delete', t('action.delete'), true);
    }
    details.appendChild(list);
    return details;
  }

  function renderSummary() {
    const box = $('summary');
    const total = Object.values(view.summary).reduce((a, b) => a + (b || 0), 0);
    const states = STATES.filter((s) => s in view.summary || s === view.state)
      .concat(Object.keys(view.summary).filter((s) => !STATES.includes(s)));
    const chips = document.createDocumentFragment();
    const chip = (state, label, count) => {
      const b = el('button', 'chip' + (state ? ' state-' + (STATES.includes(state) ? state : 'OTHER') : ''));
      b.type = 'button';
      b.dataset.state = state;
      b.setAttribute('aria-pressed', String(view.state === state));
      b.appendChild(el('span', 'chip-label', label));
      b.appendChild(el('span', 'chip-count', GB.formatNumber(count)));
      chips.appendChild(b);
    };
    chip('', t('keys.allStates'), total);
    for (const s of states) {
      chip(s, stateLabel(s), view.summary[s] || 0);
    }
    box.replaceChildren(chips);
  }

  function renderPager(pages) {
    $('page-info').textContent = t('pager.info', { page: view.page + 1, pages: pages,
      count: GB.formatNumber(view.filtered.length) });
    $('page-first').disabled = $('page-prev').disabled = view.page === 0;
    $('page-next').disabled = $('page-last').disabled = view.page >= pages - 1;
  }

  function renderSelection(slice) {
    const n = view.selected.size;
    $('selection-bar').hidden = n === 0;
    $('selection-count').textContent = t('keys.selected', { count: GB.formatNumber(n) });
    const matching = $('select-matching');
    const allMatchingSelected = view.filtered.every((k) => view.selected.has(k.id));
    matching.hidden = allMatchingSelected || view.filtered.length <= slice.length;
    matching.textContent = t('keys.selectMatching', { count: GB.formatNumber(view.filtered.length) });
    const pageBox = $('select-page');
    const onPage = slice.filter((k) => view.selected.has(k.id)).length;
    pageBox.checked = slice.length > 0 && onPage === slice.length;
    pageBox.indeterminate = onPage > 0 && onPage < slice.length;
  }

  function renderSortHeaders() {
    document.querySelectorAll('#keys-table th[data-sort]').forEach((th) => {
      if (th.dataset.sort === view.sort) {
        th.setAttribute('aria-sort', view.descending ? 'descending' : 'ascending');
      } else {
        th.removeAttribute('aria-sort');
      }
    });
    $('sort').value = view.sort;
    const dir = $('sort-dir');
    dir.setAttribute('aria-pressed', String(view.descending));
    dir.textContent = view.descending ? '↓' : '↑';
    const label = view.descending ? t('sort.descending') : t('sort.ascending');
    dir.setAttribute('aria-label', label);
    dir.title = label;
  }

  /** Updates every countdown on the page; true when one has just ended (the list is then fetched again). */
  function tick() {
    const now = GB.serverNow();
    let ended = false;
    document.querySelectorAll('#keys-body .countdown').forEach((line) => {
      const left = Date.parse(line.dataset.until) - now;
      if (left <= 0) {
        if (!endedSeen.has(line.dataset.until)) {
          endedSeen.add(line.dataset.until); // one refresh per ending, not one a second
          ended = true;
        }
        line.textContent = line.dataset.prefix + ' ' + t('keys.ending');
      } else {
        line.textContent = line.dataset.prefix + ' ' + GB.formatRemaining(left);
      }
    });
    return ended;
  }

  function rememberFocus(body) {
    const active = document.activeElement;
    if (!active || !body.contains(active)) {
      return null;
    }
    return { id: active.dataset.id || (active.closest('[data-id]') || {}).dataset.id, action: active.dataset.action,
      summary: active.tagName === 'SUMMARY', select: active.classList.contains('row-select') };
  }

  function restoreFocus(body, focus) {
    if (!focus || !focus.id) {
      return;
    }
    const selector = '[data-id="' + CSS.escape(focus.id) + '"]';
    let target = null;
    if (focus.select) {
      target = body.querySelector('input.row-select' + selector);
    } else if (focus.summary) {
      target = body.querySelector('details.menu' + selector + ' summary');
    } else if (focus.action) {
      target = body.querySelector('button[data-action="' + focus.action + '"]' + selector);
    }
    if (target) {
      target.focus();
    }
  }

  // ---- actions ----

  function setBusy(busy) {
    view.busy = busy;
    document.querySelectorAll('.page-actions button, .bulk-actions button, #add-submit').forEach((b) => {
      b.disabled = busy;
    });
  }

  /** An action's name for messages: the menu's label without its trailing ellipsis. */
  function actionName(action) {
    return t('action.' + action).replace(/(…|\.\.\.)$/, '');
  }

  function progress(label, done, total) {
    const box = $('progress-box');
    box.hidden = total <= 1;
    $('progress').max = Math.max(1, total);
    $('progress').value = done;
    $('progress-text').textContent = t('progress.text', { action: label, done: GB.formatNumber(done),
      total: GB.formatNumber(total) });
  }

  const ROUTES = {
    check: (id) => ['POST', '/admin/keys/' + id + '/check', 'POST /admin/keys/{id}/check'],
    reset: (id) => ['POST', '/admin/keys/' + id + '/reset', 'POST /admin/keys/{id}/reset'],
    disable: (id) => ['POST', '/admin/keys/' + id + '/disable', 'POST /admin/keys/{id}/disable'],
    enable: (id) => ['POST', '/admin/keys/' + id + '/enable', 'POST /admin/keys/{id}/enable'],
    restore: (id) => ['POST', '/admin/keys/' + id + '/restore', 'POST /admin/keys/{id}/restore'],
    delete: (id) => ['DELETE', '/admin/keys/' + id, 'DELETE /admin/keys/{id}'],
    note: (id) => ['PATCH', '/admin/keys/' + id, 'PATCH /admin/keys/{id}'],
  };

  /**
   * Runs one action on each id, a few at a time, with progress. Stops at the first answer that says the
   * route does not exist. Resolves to {done, failed, missing, results, lastFailure}.
   */
  async function runEach(action, ids, body) {
    const label = actionName(action);
    const queue = ids.slice();
    const outcome = { done: 0, failed: 0, missing: null, results: [], lastFailure: null };
    progress(label, 0, ids.length);
    const worker = async () => {
      while (queue.length && !outcome.missing) {
        const id = queue.shift();
        const [method, path, route] = ROUTES[action](encodeURIComponent(id));
        const result = await GB.api(method, path, body);
        outcome.done++;
        if (result.ok) {
          outcome.results.push(result.data);
        } else if (result.missingRoute) {
          outcome.missing = route;
        } else {
          outcome.failed++;
          outcome.lastFailure = GB.failureText(result, route);
        }
        progress(label, outcome.done, ids.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
    $('progress-box').hidden = true;
    return outcome;
  }

  function report(action, ids, outcome, extra) {
    if (outcome.missing) {
      GB.message(t('error.missingRoute', { route: outcome.missing }), 'error');
    } else if (outcome.failed) {
      GB.message(t('result.someFailed', { action: actionName(action), failed: outcome.failed,
        total: ids.length, reason: outcome.lastFailure || '' }), 'error');
    } else {
      GB.message(extra || t('result.done', { action: actionName(action), count: GB.formatNumber(ids.length) }),
        'success');
    }
  }

  async function perform(action, ids) {
    if (!ids.length || view.busy) {
      return;
    }
    if (action === 'delete') {
      return deleteKeys(ids);
    }
    if (action === 'disable') {
      return disableKeys(ids);
    }
    if (action === 'note') {
      return editNote(ids[0]);
    }
    setBusy(true);
    try {
      const outcome = await runEach(action, ids);
      let extra = null;
      if (action === 'check' && !outcome.missing) {
        const valid = outcome.results.filter((r) => r && r.valid).length;
        extra = t('result.checked', { valid: valid, invalid: outcome.results.length - valid });
      }
      report(action, ids, outcome, extra);
    } finally {
      setBusy(false);
    }
    await refresh(true);
  }

  async function deleteKeys(ids) {
    const text = ids.length === 1 ? t('confirm.deleteOne', { id: ids[0] })
      : t('confirm.deleteMany', { count: GB.formatNumber(ids.length) });
    if (!await GB.confirm(text, t('action.delete'))) {
      return;
    }
    setBusy(true);
    try {
      if (ids.length === 1) {
        report('delete', ids, await runEach('delete', ids));
      } else {
        const result = await GB.api('POST', '/admin/keys/delete', { ids: ids });
        if (result.ok) {
          view.selected.clear();
          GB.message(t('result.done', { action: actionName('delete'), count: GB.formatNumber(deletedCount(result, ids.length)) }),
            'success');
        } else {
          GB.message(GB.failureText(result, 'POST /admin/keys/delete'), 'error');
        }
      }
    } finally {
      setBusy(false);
    }
    await refresh(true);
  }

  function deletedCount(result, fallback) {
    const d = result.data && result.data.deleted;
    return Array.isArray(d) ? d.length : typeof d === 'number' ? d : fallback;
  }

  async function deleteAllInvalid() {
    const count = view.summary.INVALID || 0;
    if (count === 0) {
      GB.message(t('result.noInvalid'), 'info');
      return;
    }
    if (!await GB.confirm(t('confirm.deleteInvalid', { count: GB.formatNumber(count) }), t('keys.deleteInvalid'))) {
      return;
    }
    setBusy(true);
    try {
      const result = await GB.api('POST', '/admin/keys/delete', { state: 'INVALID' });
      GB.message(result.ok ? t('result.done', { action: actionName('delete'), count: GB.formatNumber(deletedCount(result, count)) })
        : GB.failureText(result, 'POST /admin/keys/delete'), result.ok ? 'success' : 'error');
    } finally {
      setBusy(false);
    }
    await refresh(true);
  }

  async function disableKeys(ids) {
    const dialog = $('disable-dialog');
    $('disable-text').textContent = ids.length === 1 ? t('disable.one', { id: ids[0] })
      : t('disable.many', { count: GB.formatNumber(ids.length) });
    const until = $('disable-until-value');
    if (!until.value) {
      const d = new Date(Date.now() + 24 * 3600 * 1000);
      d.setSeconds(0, 0);
      until.value = new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
    }
    if (await GB.showDialog(dialog) !== 'ok') {
      return;
    }
    const mode = dialog.querySelector('input[name="disable-mode"]:checked').value;
    let body;
    if (mode === 'hours') {
      const hours = Number($('disable-hours-value').value);
      if (!(hours > 0)) {
        GB.message(t('disable.badHours'), 'error');
        return;
      }
      body = { hours: hours };
    } else if (mode === 'until') {
      const at = new Date(until.value);
      if (isNaN(at.getTime()) || at.getTime() <= Date.now()) {
        GB.message(t('disable.badUntil'), 'error');
        return;
      }
      body = { until: at.toISOString() };
    }
    setBusy(true);
    try {
      const outcome = await runEach('disable', ids, body);
      const untimed = body && outcome.results.some((r) => r && r.state === 'DISABLED' && !r.disabled_until);
      if (untimed && !outcome.missing && !outcome.failed) {
        GB.message(t('disable.untimed'), 'error');
      } else {
        report('disable', ids, outcome);
      }
    } finally {
      setBusy(false);
    }
    await refresh(true);
  }

  async function editNote(id) {
    const k = view.keys.find((x) => x.id === id);
    const input = $('note-text');
    input.value = (k && k.note) || '';
    $('note-label').textContent = t('note.label', { id: id });
    const dialog = $('note-dialog');
    setTimeout(() => input.focus(), 0);
    if (await GB.showDialog(dialog) !== 'ok') {
      return;
    }
    setBusy(true);
    try {
      report('note', [id], await runEach('note', [id], { note: input.value.trim() || null }));
    } finally {
      setBusy(false);
    }
    await refresh(true);
  }

  async function checkPool(all) {
    if (all && !await GB.confirm(t('confirm.checkAll', { count: GB.formatNumber(view.keys.length) }), t('keys.checkAll'))) {
      return;
    }
    setBusy(true);
    GB.message(t('result.checking'), 'info');
    try {
      const result = await GB.api('POST', '/admin/keys/check' + (all ? '?all=true' : ''));
      if (result.ok && result.data) {
        const results = result.data.results || [];
        const valid = results.filter((r) => r.valid).length;
        GB.message(results.length === 0 ? t('result.nothingToCheck')
          : t('result.checked', { valid: valid, invalid: results.length - valid }), 'success');
      } else {
        GB.message(GB.failureText(result, 'POST /admin/keys/check'), 'error');
      }
    } finally {
      setBusy(false);
    }
    await refresh(true);
  }

  // ---- adding keys ----

  /** Splits a pasted list on any mix of newlines, commas, semicolons and spaces; strips quotes and brackets. */
  function splitKeys(text) {
    return text.split(/[\s,;]+/).map((s) => s.replace(/^[\s"'`[\]{}()]+|[\s"'`[\]{}()]+$/g, '')).filter((s) => s);
  }

  function mask(secret) {
    return secret.length < 12 ? '***' : secret.slice(0, 4) + '...' + secret.slice(-4);
  }

  async function addKeys(event) {
    event.preventDefault();
    const area = $('add-text');
    const entries = splitKeys(area.value);
    area.value = ''; // the full keys leave the page now
    if (!entries.length) {
      GB.message(t('add.empty'), 'error');
      return;
    }
    const unique = [];
    const lines = [];
    const seen = new Map();
    for (const entry of entries) {
      const line = { masked: mask(entry), id: keyId(entry) };
      if (seen.has(entry)) {
        line.result = 'duplicate';
        line.of = seen.get(entry) + 1;
      } else {
        seen.set(entry, lines.length);
        line.index = unique.length;
        unique.push(entry);
      }
      lines.push(line);
    }
    setBusy(true);
    GB.message(t('add.working', { count: GB.formatNumber(unique.length) }), 'info');
    let result;
    try {
      result = await GB.api('POST', '/admin/keys', { keys: unique, check: $('add-check').checked });
    } finally {
      unique.length = 0;
      seen.clear();
      setBusy(false);
    }
    if (!result.ok) {
      GB.message(GB.failureText(result, 'POST /admin/keys'), 'error');
      showAddResult(null, lines, GB.failureText(result, 'POST /admin/keys'));
      return;
    }
    const data = result.data || {};
    const added = new Set(data.added || []);
    const existing = new Set(data.existing || []);
    const rejected = new Map((data.rejected || []).map((r) => [r.index, r.reason]));
    const checked = new Map((data.checked || []).map((c) => [c.id, c]));
    for (const line of lines) {
      if (line.result) {
        continue;
      }
      if (rejected.has(line.index)) {
        line.result = 'rejected';
        line.reason = rejected.get(line.index);
      } else if (added.has(line.id)) {
        line.result = 'added';
        line.check = checked.get(line.id) || null;
      } else if (existing.has(line.id)) {
        line.result = 'existing';
      } else {
        line.result = 'unknown';
      }
    }
    showAddResult(data, lines, null);
    GB.message(t('add.done', { added: added.size, existing: existing.size, rejected: rejected.size }), 'success');
    await refresh(true);
  }

  function showAddResult(data, lines, failure) {
    $('add-result').hidden = false;
    $('add-summary').textContent = failure || t('add.done', { added: (data.added || []).length,
      existing: (data.existing || []).length, rejected: (data.rejected || []).length });
    const list = document.createDocumentFragment();
    for (const line of lines) {
      const li = el('li', 'add-line ' + (line.result || 'not-sent'));
      li.appendChild(el('code', 'masked', line.masked));
      let text;
      if (failure && !line.result) {
        text = t('add.notAdded');
      } else if (line.result === 'added' && line.check && !line.check.valid) {
        text = t('add.addedRefused', { id: line.id, reason: line.check.reason || line.check.status });
        li.classList.add('refused');
      } else if (line.result === 'added' && line.check) {
        text = t('add.addedChecked', { id: line.id });
      } else if (line.result === 'added') {
        text = t('add.added', { id: line.id });
      } else if (line.result === 'existing') {
        text = t('add.existing', { id: line.id });
      } else if (line.result === 'rejected') {
        text = t('add.rejected', { reason: line.reason || '' });
      } else if (line.result === 'duplicate') {
        text = t('add.duplicate', { line: line.of });
      } else {
        text = t('add.unknown');
      }
      li.appendChild(el('span', 'add-outcome', text));
      list.appendChild(li);
    }
    $('add-lines').replaceChildren(list);
  }

  /** The key's id as the server computes it: "k-" and the first 8 hex digits of its SHA-256. */
  function keyId(key) {
    return 'k-' + sha256Hex(new TextEncoder().encode(key)).slice(0, 8);
  }

  // SHA-256 (FIPS 180-4), small and synchronous: crypto.subtle exists only on HTTPS pages and localhost.
  const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);

  function sha256Hex(bytes) {
    const length = bytes.length;
    const blocks = Math.ceil((length + 9) / 64);
    const data = new Uint8Array(blocks * 64);
    data.set(bytes);
    data[length] = 0x80;
    const view = new DataView(data.buffer);
    view.setUint32(data.length - 8, Math.floor(length / 0x20000000));
    view.setUint32(data.length - 4, (length * 8) >>> 0);
    const h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    const w = new Uint32Array(64);
    const rotr = (x, n) => (x >>> n) | (x << (32 - n));
    for (let b = 0; b < blocks; b++) {
      for (let i = 0; i < 16; i++) {
        w[i] = view.getUint32(b * 64 + i * 4);
      }
      for (let i = 16; i < 64; i++) {
        const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
        const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      let [a, bb, c, d, e, f, g, hh] = h;
      for (let i = 0; i < 64; i++) {
        const s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        const ch = (e & f) ^ (~e & g);
        const t1 = (hh + s1 + ch + K[i] + w[i]) >>> 0;
        const s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        const maj = (a & bb) ^ (a & c) ^ (bb & c);
        const t2 = (s0 + maj) >>> 0;
        hh = g;
        g = f;
        f = e;
        e = (d + t1) >>> 0;
        d = c;
        c = bb;
        bb = a;
        a = (t1 + t2) >>> 0;
      }
      h[0] += a; h[1] += bb; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
    return Array.from(h, (x) => x.toString(16).padStart(8, '0')).join('');
  }
  GB.keyId = keyId; // for the browser tests

  // ---- wiring ----

  function selectedIds() {
    return view.keys.filter((k) => view.selected.has(k.id)).map((k) => k.id);
  }

  function wire() {
    $('summary').addEventListener('click', (event) => {
      const chip = event.target.closest('button.chip');
      if (chip) {
        view.state = view.state === chip.dataset.state ? '' : chip.dataset.state;
        view.page = 0;
        render();
      }
    });
    let searchTimer = null;
    $('search').addEventListener('input', () => {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(() => {
        view.text = $('search').value;
        view.page = 0;
        render();
      }, 120);
    });
    $('sort').addEventListener('change', () => {
      view.sort = $('sort').value;
      render();
    });
    $('sort-dir').addEventListener('click', () => {
      view.descending = !view.descending;
      render();
    });
    document.querySelectorAll('#keys-table .sort-button').forEach((button) => {
      button.addEventListener('click', () => {
        const key = button.dataset.sort;
        if (view.sort === key) {
          view.descending = !view.descending;
        } else {
          view.sort = key;
          view.descending = key === 'failures' || key === 'last_error' || key === 'requests' || key === 'tokens';
        }
        render();
      });
    });
    $('page-size').addEventListener('change', () => {
      const first = view.page * view.pageSize;
      view.pageSize = Number($('page-size').value) || 50;
      view.page = Math.floor(first / view.pageSize);
      render();
    });
    $('show-deleted').addEventListener('change', () => {
      view.showDeleted = $('show-deleted').checked;
      refresh();
    });
    $('page-first').addEventListener('click', () => { view.page = 0; render(); });
    $('page-prev').addEventListener('click', () => { view.page--; render(); });
    $('page-next').addEventListener('click', () => { view.page++; render(); });
    $('page-last').addEventListener('click', () => { view.page = Number.MAX_SAFE_INTEGER; render(); });

    $('keys-body').addEventListener('change', (event) => {
      const box = event.target.closest('input.row-select');
      if (box) {
        if (box.checked) {
          view.selected.add(box.dataset.id);
        } else {
          view.selected.delete(box.dataset.id);
        }
        renderSelection(view.filtered.slice(view.page * view.pageSize, (view.page + 1) * view.pageSize));
      }
    });
    $('keys-body').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-action]');
      if (button) {
        const menu = button.closest('details.menu');
        if (menu) {
          menu.open = false;
        }
        perform(button.dataset.action, [button.dataset.id]);
      }
    });
    $('keys-body').addEventListener('toggle', (event) => {
      // one open menu at a time
      if (event.target.matches && event.target.matches('details.menu') && event.target.open) {
        $('keys-body').querySelectorAll('details.menu[open]').forEach((m) => { if (m !== event.target) m.open = false; });
      }
    }, true);
    document.addEventListener('click', (event) => {
      // a click outside an open row menu closes it
      document.querySelectorAll('#keys-body details.menu[open]').forEach((m) => {
        if (!m.contains(event.target)) {
          m.open = false;
        }
      });
    });
    $('select-page').addEventListener('change', () => {
      const slice = view.filtered.slice(view.page * view.pageSize, (view.page + 1) * view.pageSize);
      for (const k of slice) {
        if ($('select-page').checked) {
          view.selected.add(k.id);
        } else {
          view.selected.delete(k.id);
        }
      }
      render();
    });
    $('select-matching').addEventListener('click', () => {
      view.filtered.forEach((k) => view.selected.add(k.id));
      render();
    });
    $('clear-selection').addEventListener('click', () => {
      view.selected.clear();
      render();
    });
    document.querySelectorAll('[data-bulk]').forEach((button) => {
      button.addEventListener('click', () => perform(button.dataset.bulk, selectedIds()));
    });
    $('check-needed').addEventListener('click', () => checkPool(false));
    $('check-all').addEventListener('click', () => checkPool(true));
    $('delete-invalid').addEventListener('click', deleteAllInvalid);
    $('refresh').addEventListener('click', refresh);
    $('add-form').addEventListener('submit', addKeys);
    document.addEventListener('gb:language', render);
    document.addEventListener('visibilitychange', () => { if (!document.hidden) refresh(); });
    setInterval(() => {
      if (tick() && !document.hidden) {
        setTimeout(refresh, 1000);
      }
    }, 1000);
  }

  GB.ready.then(async () => {
    wire();
    GB.loadSession(); // the CSRF token, needed by the first change, not by the first drawing
    await refresh();
    schedule();
  });
})();
