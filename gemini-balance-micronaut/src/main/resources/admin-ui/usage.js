// gemini-balance admin: the usage page. Reads GET /admin/usage (per day for the range, then one breakdown
// at a time: per model first, per key or client only when asked, so the first drawing never waits for the
// widest query) and GET /admin/usage/today (the server's memory). Charts are uPlot (served by the server
// from its WebJar); every figure is also in a table. Text is set with textContent only.
'use strict';
(function () {
  const GB = window.GB;
  const t = GB.t;
  const $ = (id) => document.getElementById(id);
  const el = GB.el;
  const DAY_MS = 86400000;
  const KINDS = ['prompt_tokens', 'completion_tokens', 'thinking_tokens', 'cached_tokens'];
  const FIRST_ROWS = 100; // a breakdown shows its busiest rows first (5,000 keys: 5,000 rows), the rest on request

  const view = { from: '', to: '', days: 30, group: 'model', perDay: null, breakdown: {}, today: null, charts: [],
    showAll: false };

  function isoDay(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  function preset(days) {
    const today = Date.UTC(new Date(GB.serverNow()).getUTCFullYear(), new Date(GB.serverNow()).getUTCMonth(),
      new Date(GB.serverNow()).getUTCDate());
    view.days = days;
    view.to = isoDay(today);
    view.from = isoDay(today - (days - 1) * DAY_MS);
    $('from').value = view.from;
    $('to').value = view.to;
    document.querySelectorAll('.preset').forEach((b) => b.setAttribute('aria-pressed', String(Number(b.dataset.days) === days)));
  }

  function usageUrl(group) {
    return '/admin/usage' + GB.query({ from: view.from, to: view.to, group: group });
  }

  // the first calls start at once, while the language bundle loads
  preset(30);
  let firstDays = GB.api('GET', usageUrl('day'));
  let firstToday = GB.api('GET', '/admin/usage/today');

  async function load() {
    GB.message('', 'info');
    view.breakdown = {};
    const days = firstDays || GB.api('GET', usageUrl('day'));
    const today = firstToday || GB.api('GET', '/admin/usage/today');
    firstDays = null;
    firstToday = null;
    const result = await days;
    if (!result.ok || !result.data) {
      if (result.status !== 401) {
        GB.message(GB.failureText(result, 'GET /admin/usage'), 'error');
      }
      return;
    }
    view.perDay = result.data.data || [];
    renderTotals();
    renderDays();
    renderCharts();
    const todayResult = await today;
    view.today = todayResult.ok && todayResult.data ? todayResult.data : null;
    renderToday();
    if (!performance.getEntriesByName('gb-usage-rendered').length) {
      performance.mark('gb-usage-rendered'); // the browser tests read when the first render was done
    }
    loadBreakdown();
  }

  async function loadBreakdown() {
    const group = view.group;
    if (!view.breakdown[group]) {
      $('breakdown-body').replaceChildren(emptyRow(7, t('usage.loading')));
      const result = await GB.api('GET', usageUrl(group));
      if (!result.ok || !result.data) {
        if (result.status !== 401) {
          GB.message(GB.failureText(result, 'GET /admin/usage?group=' + group), 'error');
        }
        return;
      }
      view.breakdown[group] = result.data.data || [];
    }
    if (group === view.group) {
      renderBreakdown();
    }
  }

  // ---- drawing ----

  function emptyRow(columns, text) {
    const tr = el('tr', 'empty');
    const td = el('td', '', text);
    td.colSpan = columns;
    tr.appendChild(td);
    return tr;
  }

  function numberCells(tr, r, labels) {
    const values = [r.requests, r.errors].concat(KINDS.map((k) => r[k]));
    const names = ['usage.col.requests', 'usage.col.errors', 'usage.col.prompt', 'usage.col.completion',
      'usage.col.thinking', 'usage.col.cached'];
    values.forEach((v, i) => {
      const td = el('td', 'num', GB.formatNumber(v));
      td.dataset.label = t(names[i]);
      td.dataset.field = i === 0 ? 'requests' : i === 1 ? 'errors' : KINDS[i - 2];
      tr.appendChild(td);
    });
  }

  function sum(rows) {
    const total = { requests: 0, errors: 0 };
    KINDS.forEach((k) => { total[k] = 0; });
    for (const r of rows) {
      total.requests += r.requests || 0;
      total.errors += r.errors || 0;
      KINDS.forEach((k) => { total[k] += r[k] || 0; });
    }
    return total;
  }

  function renderTotals() {
    const total = sum(view.perDay || []);
    const list = document.createDocumentFragment();
    const add = (name, value, field) => {
      const box = el('div', 'total');
      box.dataset.field = field;
      box.appendChild(el('dt', '', t(name)));
      box.appendChild(el('dd', '', GB.formatNumber(value)));
      list.appendChild(box);
    };
    add('usage.col.requests', total.requests, 'requests');
    add('usage.col.errors', total.errors, 'errors');
    add('usage.col.prompt', total.prompt_tokens, 'prompt_tokens');
    add('usage.col.completion', total.completion_tokens, 'completion_tokens');
    add('usage.col.thinking', total.thinking_tokens, 'thinking_tokens');
    add('usage.col.cached', total.cached_tokens, 'cached_tokens');
    $('totals').replaceChildren(list);
  }

  function renderDays() {
    const rows = document.createDocumentFragment();
    // newest day first; days without traffic have no row in the report and none here
    const sorted = (view.perDay || []).slice().sort((a, b) => (a.day < b.day ? 1 : -1));
    for (const r of sorted) {
      const tr = el('tr');
      tr.dataset.day = r.day;
      const th = el('th', '', r.day);
      th.scope = 'row';
      tr.appendChild(th);
      numberCells(tr, r);
      rows.appendChild(tr);
    }
    if (!sorted.length) {
      rows.appendChild(emptyRow(7, t('usage.noTraffic')));
    }
    $('days-body').replaceChildren(rows);
  }

  function breakdownName(r) {
    if (view.group === 'model') {
      return r.model === '' ? t('usage.noModel') : r.model;
    }
    if (view.group === 'key') {
      return r.key_id === '' || r.key_id === null ? t('usage.noKey') : r.key_id;
    }
    return r.client === '' || r.client === null ? t('usage.noClient') : r.client;
  }

  function renderBreakdown() {
    const rows = document.createDocumentFragment();
    const data = (view.breakdown[view.group] || []).slice().sort((a, b) => b.requests - a.requests);
    const shown = view.showAll ? data : data.slice(0, FIRST_ROWS);
    for (const r of shown) {
      const tr = el('tr');
      const th = el('th', view.group === 'model' ? '' : 'mono', breakdownName(r));
      th.scope = 'row';
      tr.appendChild(th);
      numberCells(tr, r);
      rows.appendChild(tr);
    }
    if (!data.length) {
      rows.appendChild(emptyRow(7, t('usage.noTraffic')));
    }
    $('breakdown-body').replaceChildren(rows);
    const more = $('breakdown-more');
    more.hidden = shown.length === data.length;
    more.textContent = t('usage.showAll', { shown: GB.formatNumber(shown.length), count: GB.formatNumber(data.length) });
    const nameKey = view.group === 'model' ? 'usage.col.model' : view.group === 'key' ? 'usage.col.keyId' : 'usage.col.client';
    $('breakdown-name').textContent = t(nameKey);
    $('breakdown-caption').textContent = t('usage.breakdownCaption', { name: t(nameKey) });
    document.querySelectorAll('[role="tab"][data-group]').forEach((tab) => {
      const selected = tab.dataset.group === view.group;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      if (selected) {
        $('breakdown-panel').setAttribute('aria-labelledby', tab.id);
      }
    });
  }

  function renderToday() {
    const rows = document.createDocumentFragment();
    const today = view.today;
    $('today-hint').textContent = today ? t('usage.todayHint', { day: today.day, zone: today.zone }) : '';
    for (const r of (today && today.data) || []) {
      const tr = el('tr');
      const key = el('td', 'col-key');
      key.dataset.label = t('usage.col.key');
      key.appendChild(el('code', 'masked', r.key || '—'));
      key.appendChild(el('span', 'key-id', r.key_id));
      tr.appendChild(key);
      const model = el('td', '', r.model);
      model.dataset.label = t('usage.col.model');
      tr.appendChild(model);
      const requests = el('td', 'num', GB.formatNumber(r.requests));
      requests.dataset.label = t('usage.col.requestsToday');
      requests.dataset.field = 'requests';
      tr.appendChild(requests);
      const quota = el('td', 'num');
      quota.dataset.label = t('usage.col.quotaHit');
      quota.dataset.field = 'quota';
      quota.textContent = r.quota_hit ? t('usage.quotaOn', { count: GB.formatNumber(r.quota_hit.requests), day: r.quota_hit.day }) : '—';
      tr.appendChild(quota);
      const state = el('td');
      state.dataset.label = t('usage.col.state');
      // a cooling or exhausted key rests for some models: say so only on the rows of those models
      const elsewhere = r.state === 'COOLING' || r.state === 'EXHAUSTED';
      state.textContent = r.resting_until ? t('usage.restingUntil', { time: GB.formatDateTime(r.resting_until) })
        : !r.state ? t('usage.keyGone') : elsewhere ? t('usage.servesModel') : t('state.' + r.state);
      tr.appendChild(state);
      rows.appendChild(tr);
    }
    if (!today || !today.data || !today.data.length) {
      rows.appendChild(emptyRow(5, t('usage.noneToday')));
    }
    $('today-body').replaceChildren(rows);
  }

  // ---- charts (uPlot) ----

  // one point per day of the range, days without traffic as zeros; x is the day's index in the range
  function chartSeries() {
    const byDay = new Map((view.perDay || []).map((r) => [r.day, r]));
    const start = Date.parse(view.from + 'T00:00:00Z');
    const end = Date.parse(view.to + 'T00:00:00Z');
    const days = [];
    const columns = { requests: [], errors: [] };
    KINDS.forEach((k) => { columns[k] = []; });
    for (let at = start; at <= end; at += DAY_MS) {
      const day = isoDay(at);
      const r = byDay.get(day) || {};
      days.push(day);
      columns.requests.push(r.requests || 0);
      columns.errors.push(r.errors || 0);
      KINDS.forEach((k) => columns[k].push(r[k] || 0));
    }
    return { days, columns };
  }

  function chartWidth(box) {
    return Math.max(260, Math.floor(box.getBoundingClientRect().width));
  }

  function renderCharts() {
    view.charts.forEach((c) => c.destroy());
    view.charts = [];
    if (typeof window.uPlot !== 'function') {
      return; // the tables hold every figure
    }
    const { days, columns } = chartSeries();
    const xs = days.map((d, i) => i);
    const dayOf = (i) => (Number.isInteger(i) && i >= 0 && i < days.length ? days[i] : '');
    const axes = [
      { incrs: [1, 2, 5, 7, 14, 30], values: (u, ticks) => ticks.map((i) => dayOf(i).slice(5)) },
      { size: 60, values: (u, ticks) => ticks.map((v) => GB.formatNumber(v)) },
    ];
    const line = (label, stroke, fill) => ({ label, stroke, fill, width: 2, value: (u, v) => (v == null ? '—' : GB.formatNumber(v)) });
    const make = (boxId, series, data) => {
      const box = $(boxId);
      box.replaceChildren();
      const chart = new window.uPlot({ width: chartWidth(box), height: 220,
        series: [{ label: t('usage.col.day'), value: (u, i) => (i == null ? '—' : dayOf(i)) }].concat(series),
        axes: axes, scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
        cursor: { y: false } }, [xs].concat(data), box);
      view.charts.push(chart);
    };
    make('chart-calls', [line(t('usage.col.requests'), '#1a56b3', 'rgba(26,86,179,.08)'), line(t('usage.col.errors'), '#a4161a')],
      [columns.requests, columns.errors]);
    make('chart-tokens', [line(t('usage.col.prompt'), '#1a56b3'), line(t('usage.col.completion'), '#0d6b35'),
      line(t('usage.col.thinking'), '#7a3db8'), line(t('usage.col.cached'), '#8a5a00')], KINDS.map((k) => columns[k]));
  }

  // a chart follows its box's width (a phone turned, a window resized), once per frame at most
  let resizeFrame = 0;
  function resized() {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => {
      for (const c of view.charts) {
        const width = chartWidth(c.root.parentNode);
        if (Math.abs(width - c.width) > 1) {
          c.setSize({ width: width, height: 220 });
        }
      }
    });
  }

  // ---- wiring ----

  function wire() {
    document.querySelectorAll('.preset').forEach((b) => b.addEventListener('click', () => {
      preset(Number(b.dataset.days));
      load();
    }));
    $('range-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const from = $('from').value;
      const to = $('to').value;
      if (!from || !to || from > to) {
        GB.message(t('usage.badRange'), 'error');
        return;
      }
      view.from = from;
      view.to = to;
      document.querySelectorAll('.preset').forEach((b) => b.setAttribute('aria-pressed', 'false'));
      load();
    });
    const tabs = Array.from(document.querySelectorAll('[role="tab"][data-group]'));
    tabs.forEach((tab, i) => {
      tab.addEventListener('click', () => {
        view.group = tab.dataset.group;
        view.showAll = false;
        renderBreakdown();
        loadBreakdown();
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
    $('breakdown-more').addEventListener('click', () => {
      view.showAll = true;
      renderBreakdown();
    });
    $('refresh').addEventListener('click', load);
    if (typeof ResizeObserver === 'function') {
      const observer = new ResizeObserver(resized);
      observer.observe($('chart-calls'));
      observer.observe($('chart-tokens'));
    } else {
      window.addEventListener('resize', resized);
    }
    document.addEventListener('gb:language', () => {
      if (view.perDay) {
        renderTotals();
        renderDays();
        renderCharts();
        renderToday();
        if (view.breakdown[view.group]) {
          renderBreakdown();
        }
      }
    });
  }

  GB.ready.then(() => {
    wire();
    load();
  });
})();
