// gemini-balance admin: the login form. Sends AUTH_TOKEN once to POST /admin/login, which answers with the
// session cookie (HttpOnly: this script never sees it); then opens the keys page. The token is cleared from
// the form whatever the answer.
'use strict';
(function () {
  const GB = window.GB;

  function show(key, vars, kind) {
    GB.message(GB.t(key, vars), kind);
  }

  async function alreadyLoggedIn() {
    // a browser that followed a link from another site did not send the SameSite=Strict cookie: check here
    try {
      const response = await fetch('/admin/session', { credentials: 'same-origin', cache: 'no-store' });
      return response.ok;
    } catch (e) {
      return false;
    }
  }

  async function submit(event) {
    event.preventDefault();
    const input = document.getElementById('token');
    const button = document.getElementById('login-button');
    const token = input.value.trim();
    if (!token) {
      show('login.empty', null, 'error');
      input.focus();
      return;
    }
    button.disabled = true;
    show('login.working', null, 'info');
    let response;
    try {
      response = await fetch('/admin/login', {
        method: 'POST',
        credentials: 'same-origin',
        cache: 'no-store',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: token }).toString(),
      });
    } catch (e) {
      response = null;
    }
    input.value = '';
    button.disabled = false;
    if (response && response.ok) {
      window.location.assign('/admin/');
      return;
    }
    input.focus();
    if (!response) {
      show('error.network', null, 'error');
    } else if (response.status === 429) {
      show('login.wait', { seconds: response.headers.get('Retry-After') || '?' }, 'error');
    } else if (response.status === 401) {
      show('login.wrong', null, 'error');
    } else if (response.status === 404) {
      show('login.off', null, 'error');
    } else {
      show('error.server', { status: response.status, message: '' }, 'error');
    }
  }

  GB.ready.then(async () => {
    document.getElementById('login-form').addEventListener('submit', submit);
    if (new URLSearchParams(window.location.search).get('expired')) {
      show('login.expired', null, 'info');
    }
    if (await alreadyLoggedIn()) {
      window.location.replace('/admin/');
      return;
    }
    document.getElementById('token').focus();
  });
})();
