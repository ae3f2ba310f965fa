// gemini-balance admin: the logs page. Request records and error records from GET /admin/logs/requests and
// /admin/logs/errors, newest first, filtered by the server, paged with its cursors ("older" follows the
// page's next cursor, "newer" goes back along the cursors already followed). An error's detail (with the
// request body when it was kept) comes from GET /admin/logs/errors/{id}. The filters live in the address
// (?tab=errors&key=k-...), so the Keys page can link to a key's errors. Text is set with textContent only.
'use strict';
(function () {
  const GB = window.GB;
  const t = GB.t;
  const $ = (id) => document.getElementById(id);
  const el = GB.el;
  const FILTERS = ['from', 'to', 'model', 'key', 'status', 'client'];

  const view = { tab: 'requests', filters: {}, limit: 50, cursors: [], cursor: null, next: null, rows: [], loaded: false };

  // ---- the address holds the tab and the filters ----

  function readAddress() {
    const q = new URLSearchParams(window.location.search);
    view.tab = q.get('tab') === 'errors' ? 'errors' : 'requests';
    view.filters = {};
    for (const name of FILTERS) {
      if (q.get(name)) {
        view.filters[name] = q.get(name);
      }
    }
    const limit = Number(q.get('limit'));
    view.limit = Number.isInteger(limit) && limit >= 1 && limit <= 500 ? limit : 50; // the API's range
  }

  function writeAddress() {
    const params = Object.assign({ tab: view.tab === 'errors' ? 'errors' : '' }, view.filters,
      { limit: view.limit === 50 ? '' : view.limit });
    window.history.replaceState(null, '', window.location.pathname + GB.query(params));
  }

  function listUrl() {
    return '/admin/logs/' + view.tab + GB.query(Object.assign({}, view.filters, { limit: view.limit, cursor: view.cursor }));
  }

  readAddress();
  let first = GB.api('GET', listUrl()); // asked for at once, while the language bundle loads

  // ---- loading ----

  async function load() {
    const result = await (first || GB.api('GET', listUrl()));
    first = null;
    if (!result.ok || !result.data) {
      if (result.status !== 401) {
        GB.message(GB.failureText(result, 'GET /admin/logs/' + view.tab), 'error');
      }
      view.rows = [];
      view.next = null;
      view.loaded = true;
      render();
      return;
    }
    GB.message('', 'info');
    view.rows = Array.isArray(result.data.data) ? result.data.data : [];
    view.next = result.data.next || null;
    view.loaded = true;
    render();
    if (!performance.getEntriesByName('gb-logs-rendered').length) {
      performance.mark('gb-logs-rendered'); // the browser tests read when the first page was drawn
    }
  }

  function restart() {
    view.cursors = [];
    view.cursor = null;
    writeAddress();
    return load();
  }

  // ---- drawing ----

  function cell(tr, labelKey, className, text) {
    const td = el('td', className || '', text);
    if (labelKey) {
      td.dataset.label = t(labelKey);
    }
    tr.appendChild(td);
    return td;
  }

  function timeCell(tr, iso) {
    const td = cell(tr, 'logs.col.at', 'col-time');
    const time = el('time', '', GB.formatDateTime(iso));
    time.dateTime = iso;
    td.appendChild(time);
    return td;
  }

  function filterLink(name, value, text) {
    const b = el('button', 'link-button filter-link', text === undefined ? value : text);
    b.type = 'button';
    b.dataset.filter = name;
    b.dataset.value = value;
    b.title = t('logs.filterBy', { value: value });
    return b;
  }

  function requestRow(r) {
    const tr = el('tr');
    tr.dataset.id = r.id;
    timeCell(tr, r.at);
    cell(tr, 'logs.col.route', 'mono', r.route + (r.stream ? ' ' + t('logs.stream') : ''));
    const model = cell(tr, 'logs.col.model');
    const shown = r.model_sent || r.model_asked;
    if (shown) {
      model.appendChild(filterLink('model', shown));
    } else {
      model.textContent = '—';
    }
    cell(tr, 'logs.col.client', 'mono').appendChild(filterLink('client', r.client));
    const attempts = cell(tr, 'logs.col.attempts', 'col-attempts');
    if (!r.attempts || !r.attempts.length) {
      attempts.textContent = t('logs.noAttempt');
    }
    for (const a of r.attempts || []) {
      const line = el('span', 'attempt' + (a.status === 200 ? ' ok' : ' failed'));
      line.appendChild(filterLink('key', a.key_id));
      line.appendChild(document.createTextNode(' '));
      line.appendChild(el('span', 'attempt-status', a.status === 0 ? t('keys.noResponse') : String(a.status)));
      attempts.appendChild(line);
    }
    const status = cell(tr, 'logs.col.status', 'num status' + (r.status >= 400 ? ' bad' : ''), String(r.status));
    if (r.error_code) {
      status.appendChild(el('span', 'detail', r.error_code));
    }
    cell(tr, 'logs.col.latency', 'num', t('logs.ms', { ms: GB.formatNumber(r.latency_ms) }));
    const tokens = cell(tr, 'logs.col.tokens', 'num');
    tokens.textContent = GB.formatNumber(r.prompt_tokens + r.completion_tokens + r.thinking_tokens);
    tokens.title = t('logs.tokensTitle', { prompt: GB.formatNumber(r.prompt_tokens),
      completion: GB.formatNumber(r.completion_tokens), thinking: GB.formatNumber(r.thinking_tokens),
      cached: GB.formatNumber(r.cached_tokens) });
    return tr;
  }

  function errorRow(e) {
    const tr = el('tr');
    tr.dataset.id = e.id;
    timeCell(tr, e.at);
    cell(tr, 'logs.col.key', 'mono').appendChild(filterLink('key', e.key_id));
    const model = cell(tr, 'logs.col.model');
    if (e.model) {
      model.appendChild(filterLink('model', e.model));
    } else {
      model.textContent = '—';
    }
    cell(tr, 'logs.col.status', 'num status bad', e.status === 0 ? t('keys.noResponse') : String(e.status));
    cell(tr, 'logs.col.reason', 'reason', e.reason || '—');
    cell(tr, 'logs.col.message', 'message', e.message || '');
    cell(tr, 'logs.col.client', 'mono').appendChild(e.client ? filterLink('client', e.client) : el('span', '', '—'));
    const open = el('button', 'detail-button', t('logs.details'));
    open.type = 'button';
    open.dataset.detail = e.id;
    open.setAttribute('aria-label', t('logs.detailsFor', { id: e.id }));
    cell(tr, '', 'col-actions').appendChild(open);
    return tr;
  }

  function render() {
    const errors = view.tab === 'errors';
    $('requests-table').hidden = errors;
    $('errors-table').hidden = !errors;
    document.querySelectorAll('[role="tab"][data-tab]').forEach((tab) => {
      const selected = tab.dataset.tab === view.tab;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      if (selected) {
        $('records-panel').setAttribute('aria-labelledby', tab.id);
      }
    });
    const body = errors ? $('errors-body') : $('requests-body');
    const rows = document.createDocumentFragment();
    for (const r of view.rows) {
      rows.appendChild(errors ? errorRow(r) : requestRow(r));
    }
    if (!view.rows.length) {
      const tr = el('tr', 'empty');
      const td = el('td', '', !view.loaded ? t('logs.loading') : t('logs.none'));
      td.colSpan = 8;
      tr.appendChild(td);
      rows.appendChild(tr);
    }
    body.replaceChildren(rows);
    (errors ? $('requests-body') : $('errors-body')).replaceChildren();
    $('page-info').textContent = t('logs.pageInfo', { page: view.cursors.length + 1, count: view.rows.length });
    $('page-newer').disabled = $('page-newest').disabled = view.cursors.length === 0;
    $('page-older').disabled = !view.next;
    fillForm();
  }

  // the filters as entered; times go to the server as ISO instants (the inputs are in the browser's zone)
  function fillForm() {
    const local = (iso) => {
      const at = Date.parse(iso);
      if (isNaN(at)) {
        return '';
      }
      const d = new Date(at - new Date(at).getTimezoneOffset() * 60000);
      return d.toISOString().slice(0, 19);
    };
    $('f-from').value = view.filters.from ? local(view.filters.from) : '';
    $('f-to').value = view.filters.to ? local(view.filters.to) : '';
    $('f-model').value = view.filters.model || '';
    $('f-key').value = view.filters.key || '';
    $('f-status').value = view.filters.status || '';
    $('f-client').value = view.filters.client || '';
    const sizes = $('f-limit');
    if (!Array.from(sizes.options).some((o) => o.value === String(view.limit))) {
      const option = el('option', '', String(view.limit)); // a size from the address
      option.value = String(view.limit);
      sizes.appendChild(option);
    }
    sizes.value = String(view.limit);
  }

  function readForm() {
    const instant = (value) => (value ? new Date(value).toISOString() : '');
    const filters = {
      from: instant($('f-from').value),
      to: instant($('f-to').value),
      model: $('f-model').value.trim(),
      key: $('f-key').value.trim().toLowerCase(),
      status: $('f-status').value.trim(),
      client: $('f-client').value.trim(),
    };
    if (filters.key && !/^k-[0-9a-f]{8}$/.test(filters.key)) {
      GB.message(t('logs.badKey'), 'error');
      return null; // a pasted key is never sent
    }
    view.filters = {};
    for (const [name, value] of Object.entries(filters)) {
      if (value) {
        view.filters[name] = value;
      }
    }
    view.limit = Number($('f-limit').value) || 50;
    return view.filters;
  }

  // ---- the error detail ----

  async function showDetail(id) {
    const result = await GB.api('GET', '/admin/logs/errors/' + encodeURIComponent(id));
    if (!result.ok || !result.data) {
      if (result.status !== 401) {
        GB.message(GB.failureText(result, 'GET /admin/logs/errors/{id}'), 'error');
      }
      return;
    }
    const d = result.data;
    const fields = document.createDocumentFragment();
    const add = (key, value, className) => {
      fields.appendChild(el('dt', '', t(key)));
      fields.appendChild(el('dd', className || '', value === null || value === undefined || value === '' ? '—' : String(value)));
    };
    add('logs.col.at', GB.formatDateTime(d.at));
    add('logs.col.key', d.key_id, 'mono');
    add('logs.col.model', d.model);
    add('logs.col.status', d.status === 0 ? t('keys.noResponse') : d.status, 'detail-status');
    add('logs.col.reason', d.reason, 'detail-reason');
    add('logs.col.message', d.message, 'detail-message');
    add('logs.col.client', d.client, 'mono');
    add('logs.requestId', d.request_id, 'mono');
    $('error-fields').replaceChildren(fields);
    $('error-body').textContent = d.request_body ? pretty(d.request_body) : t('logs.noBody');
    GB.showDialog($('error-dialog'));
  }

  function pretty(text) {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (e) {
      return text;
    }
  }

  // ---- wiring ----

  function wire() {
    const tabs = Array.from(document.querySelectorAll('[role="tab"][data-tab]'));
    tabs.forEach((tab, i) => {
      tab.addEventListener('click', () => {
        if (view.tab !== tab.dataset.tab) {
          view.tab = tab.dataset.tab;
          view.rows = [];
          view.loaded = false;
          render();
          restart();
        }
      });
      tab.addEventListener('keydown', (event) => {
        const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
        if (step) {
          const next = tabs[(i + step + tabs.length) % tabs.length];
          next.focus();
          next.click();
        }
      });
    });
    $('filter-form').addEventListener('submit', (event) => {
      event.preventDefault();
      if (readForm()) {
        restart();
      }
    });
    $('f-clear').addEventListener('click', () => {
      view.filters = {};
      fillForm();
      restart();
    });
    $('page-older').addEventListener('click', () => {
      if (view.next) {
        view.cursors.push(view.cursor);
        view.cursor = view.next;
        load();
      }
    });
    $('page-newer').addEventListener('click', () => {
      if (view.cursors.length) {
        view.cursor = view.cursors.pop();
        load();
      }
    });
    $('page-newest').addEventListener('click', restart);
    $('refresh').addEventListener('click', () => load());
    document.querySelector('#records-panel').addEventListener('click', (event) => {
      const link = event.target.closest('button.filter-link');
      if (link) {
        view.filters[link.dataset.filter] = link.dataset.value;
        restart();
        return;
      }
      const detail = event.target.closest('button[data-detail]');
      if (detail) {
        showDetail(detail.dataset.detail);
      }
    });
    document.addEventListener('gb:language', render);
  }

  GB.ready.then(() => {
    wire();
    render();
    load();
  });
})();
