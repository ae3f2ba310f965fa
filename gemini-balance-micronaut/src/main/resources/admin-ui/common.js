// gemini-balance admin: what every page shares. Language bundles, calls to the admin API (session cookie
// plus CSRF header), the header (calls and errors per minute, usable keys, language, logout), dialogs and formatting. No framework, no
// build step; the server sends this file as it is. Text is always set with textContent, never as HTML.
'use strict';
(function () {
  const LANGUAGES = { 'en': 'English', 'zh-CN': '简体中文' };
  const LANGUAGE_STORE = 'gb-admin-language';
  const HEALTH_MS = 5000;

  const GB = {};
  window.GB = GB;

  let strings = {};
  let csrf = null;
  let skew = null; // server clock minus browser clock, in ms, from the Date header

  GB.language = chooseLanguage();

  function chooseLanguage() {
    try {
      const saved = localStorage.getItem(LANGUAGE_STORE);
      if (saved && LANGUAGES[saved]) {
        return saved;
      }
    } catch (e) { /* storage off: follow the browser */ }
    const wanted = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
    for (const tag of wanted) {
      const lower = String(tag).toLowerCase();
      if (lower.startsWith('zh')) {
        return 'zh-CN';
      }
      if (lower.startsWith('en')) {
        return 'en';
      }
    }
    return 'en';
  }

  /** The string for a key in the current language, with {name} placeholders filled in. */
  GB.t = function (key, vars) {
    let text = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
    if (vars) {
      text = text.replace(/\{(\w+)\}/g, (whole, name) => (vars[name] === undefined ? whole : String(vars[name])));
    }
    return text;
  };

  /** Loads a language bundle and applies it to the page; pages listen for 'gb:language' to redraw. */
  GB.setLanguage = async function (language) {
    const response = await fetch('/admin/ui/i18n/' + language + '.json', { credentials: 'same-origin' });
    if (!response.ok) {
      throw new Error('language bundle ' + language + ': ' + response.status);
    }
    strings = await response.json();
    GB.language = language;
    document.documentElement.lang = language;
    GB.applyStrings(document);
    if (strings['page.title.' + document.body.dataset.page]) {
      document.title = GB.t('page.title.' + document.body.dataset.page);
    }
    const select = document.getElementById('lang');
    if (select) {
      select.value = language;
    }
    document.dispatchEvent(new CustomEvent('gb:language'));
  };

  /** Fills [data-i18n] elements' text and [data-i18n-attr="attr:key;attr:key"] attributes. */
  GB.applyStrings = function (root) {
    root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = GB.t(el.dataset.i18n); });
    root.querySelectorAll('[data-i18n-attr]').forEach((el) => {
      for (const pair of el.dataset.i18nAttr.split(';')) {
        const colon = pair.indexOf(':');
        if (colon > 0) {
          el.setAttribute(pair.slice(0, colon).trim(), GB.t(pair.slice(colon + 1).trim()));
        }
      }
    });
  };

  function setUpLanguageSwitch() {
    const select = document.getElementById('lang');
    if (!select) {
      return;
    }
    for (const [tag, name] of Object.entries(LANGUAGES)) {
      const option = document.createElement('option');
      option.value = tag;
      option.lang = tag;
      option.textContent = name;
      select.appendChild(option);
    }
    select.value = GB.language;
    select.addEventListener('change', () => {
      try {
        localStorage.setItem(LANGUAGE_STORE, select.value);
      } catch (e) { /* not remembered, still switched */ }
      GB.setLanguage(select.value).catch(() => GB.message(GB.t('error.network'), 'error'));
    });
  }

  // ---- the admin API ----

  /** The session's CSRF token, fetched once (the cookie is HttpOnly: scripts never see it). */
  GB.loadSession = async function () {
    const result = await GB.api('GET', '/admin/session');
    csrf = result.ok && result.data ? result.data.csrf : null;
    return result;
  };

  /**
   * Calls the admin API. Resolves to {ok, status, data, missingRoute, network}; never rejects. A change
   * carries the CSRF header. 401 (no or ended session) goes to the login page. missingRoute is true when
   * the server has no such route (404 not_found or 405): an older server.
   */
  GB.api = async function (method, path, body) {
    const headers = { 'Accept': 'application/json' };
    if (method !== 'GET' && method !== 'HEAD') {
      if (!csrf) {
        await GB.loadSession();
      }
      if (csrf) {
        headers['X-CSRF-Token'] = csrf;
      }
    }
    let payload;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, { method: method, headers: headers, body: payload, credentials: 'same-origin',
        cache: 'no-store', redirect: 'error' });
    } catch (e) {
      return { ok: false, status: 0, data: null, missingRoute: false, network: true };
    }
    noteServerTime(response);
    let data = null;
    try {
      const text = await response.text();
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = null;
    }
    if (response.status === 401) {
      GB.toLogin(true);
    }
    const code = data && data.error ? data.error.code : null;
    const missingRoute = response.status === 405 || response.status === 501
      || (response.status === 404 && code === 'not_found');
    return { ok: response.ok, status: response.status, data: data, missingRoute: missingRoute, network: false };
  };

  /** A line for a failed call: the route missing, the network, or the server's own message. */
  GB.failureText = function (result, route) {
    if (result.missingRoute) {
      return GB.t('error.missingRoute', { route: route });
    }
    if (result.network) {
      return GB.t('error.network');
    }
    const message = result.data && result.data.error && result.data.error.message;
    return GB.t('error.server', { status: result.status, message: message || '' });
  };

  GB.toLogin = function (expired) {
    window.location.assign('/admin/login' + (expired ? '?expired=1' : ''));
  };

  function noteServerTime(response) {
    const date = Date.parse(response.headers.get('Date') || '');
    if (!isNaN(date)) {
      const next = date + 500 - Date.now(); // the header is cut to the second: half a second on average
      // the header has whole seconds: keep the first value unless the clocks really moved apart
      if (skew === null || Math.abs(next - skew) > 2000) {
        skew = next;
      }
    }
  }

  /** The server's time now, in ms since the epoch (the browser's clock corrected by the Date header). */
  GB.serverNow = function () {
    return Date.now() + (skew || 0);
  };

  // ---- messages, dialogs, formatting ----

  /** Shows a message in the page's status line (read out by screen readers). kind: info, success, error. */
  GB.message = function (text, kind) {
    const box = document.getElementById('message') || document.getElementById('login-message');
    if (!box) {
      return;
    }
    box.textContent = text || '';
    box.dataset.kind = kind || 'info';
  };

  /** Asks for confirmation in a modal dialog; resolves to true when confirmed. */
  GB.confirm = function (text, confirmLabel) {
    const dialog = document.getElementById('confirm-dialog');
    document.getElementById('confirm-text').textContent = text;
    document.getElementById('confirm-ok').textContent = confirmLabel || GB.t('confirm.ok');
    return GB.showDialog(dialog).then((value) => value === 'ok');
  };

  /** Opens a dialog modally; resolves to its return value when it closes. */
  GB.showDialog = function (dialog) {
    return new Promise((resolve) => {
      dialog.returnValue = '';
      dialog.addEventListener('close', () => resolve(dialog.returnValue), { once: true });
      dialog.showModal();
    });
  };

  GB.formatNumber = function (n) {
    return new Intl.NumberFormat(GB.language).format(n || 0);
  };

  /** 75 -> "1:15", 3725 -> "1:02:05", two days and more -> "2 d 03:04:05". */
  GB.formatRemaining = function (ms) {
    let s = Math.max(0, Math.ceil(ms / 1000));
    const days = Math.floor(s / 86400);
    s -= days * 86400;
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    const two = (v) => String(v).padStart(2, '0');
    const clock = h > 0 || days > 0 ? h + ':' + two(m) + ':' + two(sec) : m + ':' + two(sec);
    return days > 0 ? GB.t('time.days', { days: days }) + ' ' + clock : clock;
  };

  /** "3 minutes ago" in the page's language. */
  GB.formatAgo = function (iso) {
    const then = Date.parse(iso);
    if (isNaN(then)) {
      return '';
    }
    const seconds = Math.round((then - GB.serverNow()) / 1000);
    const rtf = new Intl.RelativeTimeFormat(GB.language, { numeric: 'auto' });
    const abs = Math.abs(seconds);
    if (abs < 60) {
      return rtf.format(seconds, 'second');
    }
    if (abs < 3600) {
      return rtf.format(Math.round(seconds / 60), 'minute');
    }
    if (abs < 86400) {
      return rtf.format(Math.round(seconds / 3600), 'hour');
    }
    return rtf.format(Math.round(seconds / 86400), 'day');
  };

  GB.formatDateTime = function (iso) {
    const then = Date.parse(iso);
    return isNaN(then) ? '' : new Intl.DateTimeFormat(GB.language, { dateStyle: 'medium', timeStyle: 'medium' })
      .format(new Date(then));
  };

  /** A new element with a class and text (textContent: never HTML). */
  GB.el = function (tag, className, text) {
    const e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined && text !== null) {
      e.textContent = text;
    }
    return e;
  };

  /** A query string from an object, leaving out empty values. */
  GB.query = function (params) {
    const q = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== '') {
        q.set(name, value);
      }
    }
    const text = q.toString();
    return text ? '?' + text : '';
  };

  // ---- the header: calls and errors per minute, usable keys, logout ----

  /** Refreshes the header's usable keys now (pages call it after a change). */
  GB.refreshHealth = function () {
    return refreshHealth();
  };

  // The header: GET /admin/stats/live (counted in the server's memory, no table read): calls and failed
  // upstream attempts in the last minute, usable keys. Outside the admin (no session) it is not called.
  async function refreshHealth() {
    const box = document.getElementById('health');
    const text = document.getElementById('health-text');
    if (!box || document.hidden) {
      return;
    }
    const result = await GB.api('GET', '/admin/stats/live');
    const live = result.ok && result.data ? result.data : null;
    if (!live || !live.keys) {
      box.dataset.status = 'unknown';
      text.textContent = GB.t('header.unreachable');
      return;
    }
    box.dataset.status = live.keys.usable > 0 ? 'up' : 'down';
    text.textContent = GB.t('header.usable', { usable: GB.formatNumber(live.keys.usable),
      total: GB.formatNumber(live.keys.total) });
    const requests = document.getElementById('live-requests');
    const errors = document.getElementById('live-errors');
    if (requests && errors) {
      requests.textContent = GB.t('live.requests', { count: GB.formatNumber(live.requests) });
      errors.textContent = GB.t('live.errors', { count: GB.formatNumber(live.errors) });
      errors.dataset.some = live.errors > 0 ? 'yes' : 'no';
    }
  }

  function setUpHeader() {
    const logout = document.getElementById('logout');
    if (logout) {
      logout.addEventListener('click', async () => {
        logout.disabled = true;
        await GB.api('POST', '/admin/logout');
        window.location.assign('/admin/login');
      });
    }
    if (document.getElementById('health')) {
      refreshHealth();
      setInterval(refreshHealth, HEALTH_MS);
      document.addEventListener('visibilitychange', () => { if (!document.hidden) refreshHealth(); });
      document.addEventListener('gb:language', refreshHealth);
    }
    // Escape closes an open row menu (dialogs close on Escape by themselves)
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        document.querySelectorAll('details.menu[open]').forEach((menu) => {
          menu.open = false;
          menu.querySelector('summary').focus();
        });
      }
    });
  }

  /** Resolves once the language bundle is applied and the header is live. */
  GB.ready = new Promise((resolve) => {
    const start = () => {
      setUpLanguageSwitch();
      GB.setLanguage(GB.language)
        .catch(() => GB.setLanguage('en'))
        .catch(() => { /* the page keeps its English text */ })
        .finally(() => {
          setUpHeader();
          document.documentElement.classList.add('gb-ready');
          resolve();
        });
    };
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', start);
    } else {
      start();
    }
  });
})();
