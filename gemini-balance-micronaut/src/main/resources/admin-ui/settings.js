// gemini-balance admin: the settings page. Reads GET /admin/config (every setting, its value and where the
// value comes from; secrets come without a value), draws one table per group, and changes a run-time setting
// with PUT /admin/config/{name} or takes it back to the environment's value with DELETE. Every change is
// confirmed first; a refused value is shown under its field with the server's reason. Text is set with
// textContent only.
'use strict';
(function () {
  const GB = window.GB;
  const t = GB.t;
  const GROUPS = ['pool', 'upstream', 'models', 'retention', 'media', 'server', 'database'];
  const LONG = /^[\[{]/; // JSON values get a text area

  const view = { settings: [], loaded: false, filter: '', editableOnly: false, editing: null, busy: false };
  const $ = (id) => document.getElementById(id);

  async function load() {
    const result = await GB.api('GET', '/admin/config');
    if (result.ok && result.data && Array.isArray(result.data.settings)) {
      view.settings = result.data.settings;
      view.loaded = true;
      render();
    } else {
      GB.message(GB.failureText(result, 'GET /admin/config'), 'error');
    }
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function matches(s) {
    if (view.editableOnly && !s.editable) {
      return false;
    }
    if (!view.filter) {
      return true;
    }
    const needle = view.filter.toLowerCase();
    return s.name.toLowerCase().includes(needle) || (s.value || '').toLowerCase().includes(needle)
      || describe(s).toLowerCase().includes(needle);
  }

  function describe(s) {
    const text = t(s.description_key);
    return text === s.description_key ? '' : text;
  }

  function render() {
    const box = $('groups');
    box.replaceChildren();
    if (!view.loaded) {
      box.appendChild(el('p', 'empty-note', t('settings.loading')));
      return;
    }
    let shown = 0;
    for (const group of GROUPS) {
      const rows = view.settings.filter((s) => s.group === group && matches(s));
      if (rows.length === 0) {
        continue;
      }
      shown += rows.length;
      box.appendChild(groupSection(group, rows));
    }
    if (shown === 0) {
      box.appendChild(el('p', 'empty-note', t('settings.none')));
    }
    if (view.editing) {
      const input = document.getElementById('edit-' + view.editing);
      if (input && document.activeElement !== input) {
        input.focus();
      }
    }
  }

  function groupSection(group, rows) {
    const section = el('section', 'setting-group');
    const headingId = 'group-' + group;
    section.setAttribute('aria-labelledby', headingId);
    const h2 = el('h2', null, t('settings.group.' + group));
    h2.id = headingId;
    section.appendChild(h2);
    const wrap = el('div', 'table-wrap');
    const table = el('table', 'settings');
    const caption = el('caption', 'visually-hidden', t('settings.group.' + group));
    table.appendChild(caption);
    const head = el('thead');
    const tr = el('tr');
    for (const key of ['settings.col.name', 'settings.col.value', 'settings.col.source', 'settings.col.actions']) {
      const th = el('th', null, t(key));
      th.scope = 'col';
      tr.appendChild(th);
    }
    head.appendChild(tr);
    table.appendChild(head);
    const body = el('tbody');
    rows.forEach((s) => body.appendChild(row(s)));
    table.appendChild(body);
    wrap.appendChild(table);
    section.appendChild(wrap);
    return section;
  }

  function row(s) {
    const tr = el('tr');
    tr.dataset.setting = s.name;

    const name = el('td', 'col-name');
    name.dataset.label = t('settings.col.name');
    name.appendChild(el('code', 'setting-name', s.name));
    const description = describe(s);
    if (description) {
      name.appendChild(el('span', 'setting-description', description));
    }
    tr.appendChild(name);

    const value = el('td', 'col-value');
    value.dataset.label = t('settings.col.value');
    if (view.editing === s.name) {
      value.appendChild(editForm(s));
    } else {
      value.appendChild(valueText(s));
      if (s.source === 'stored' && !s.secret) {
        value.appendChild(el('span', 'base-value', t('settings.baseValue', {
          value: s.base_value === '' ? t('settings.empty') : s.base_value,
          source: t('settings.source.' + s.base_source) })));
      }
    }
    tr.appendChild(value);

    const source = el('td', 'col-source');
    source.dataset.label = t('settings.col.source');
    source.appendChild(el('span', 'badge source-' + s.source.replace('.', ''), t('settings.source.' + s.source)));
    if (s.restart_required) {
      source.appendChild(el('span', 'badge restart', t('settings.restartRequired')));
    }
    if (s.source === 'stored' && s.updated_at) {
      const when = el('span', 'updated', t('settings.updated', { when: GB.formatDateTime(s.updated_at) }));
      source.appendChild(when);
    }
    tr.appendChild(source);

    const actions = el('td', 'col-actions');
    actions.dataset.label = t('settings.col.actions');
    if (s.editable && view.editing !== s.name) {
      const change = el('button', null, t('settings.change'));
      change.type = 'button';
      change.dataset.action = 'edit';
      change.setAttribute('aria-label', t('settings.changeNamed', { name: s.name }));
      change.addEventListener('click', () => { view.editing = s.name; render(); });
      actions.appendChild(change);
      if (s.source === 'stored') {
        const revert = el('button', 'link-button', t('settings.revert'));
        revert.type = 'button';
        revert.dataset.action = 'revert';
        revert.setAttribute('aria-label', t('settings.revertNamed', { name: s.name }));
        revert.addEventListener('click', () => revertSetting(s));
        actions.appendChild(revert);
      }
    } else if (!s.editable) {
      actions.appendChild(el('span', 'read-only', t('settings.readOnly')));
    }
    tr.appendChild(actions);
    return tr;
  }

  function valueText(s) {
    if (s.secret) {
      return el('span', 'secret', s.is_set ? t('settings.secretSet') : t('settings.secretUnset'));
    }
    if (s.value === null || s.value === '') {
      return el('span', 'unset', t('settings.empty'));
    }
    return el('code', 'setting-value', s.value);
  }

  function editForm(s) {
    const form = el('form', 'edit-form');
    form.noValidate = true;
    const inputId = 'edit-' + s.name;
    const errorId = 'edit-error-' + s.name;
    const label = el('label', 'visually-hidden', t('settings.newValue', { name: s.name }));
    label.htmlFor = inputId;
    form.appendChild(label);
    const multiline = LONG.test(s.value || '') || LONG.test(s.default || '');
    const input = el(multiline ? 'textarea' : 'input');
    input.id = inputId;
    input.name = 'value';
    input.value = s.value || '';
    input.spellcheck = false;
    input.autocomplete = 'off';
    if (multiline) {
      input.rows = 4;
    } else {
      input.type = 'text';
    }
    input.setAttribute('aria-describedby', errorId);
    form.appendChild(input);
    const error = el('p', 'field-error');
    error.id = errorId;
    error.setAttribute('role', 'alert');
    form.appendChild(error);
    const buttons = el('div', 'edit-buttons');
    const save = el('button', 'primary', t('settings.save'));
    save.type = 'submit';
    const cancel = el('button', null, t('confirm.cancel'));
    cancel.type = 'button';
    cancel.addEventListener('click', () => { view.editing = null; render(); });
    buttons.appendChild(save);
    buttons.appendChild(cancel);
    form.appendChild(buttons);
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        view.editing = null;
        render();
      }
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      saveSetting(s, input, error);
    });
    return form;
  }

  async function saveSetting(s, input, error) {
    if (view.busy) {
      return;
    }
    const next = input.value.trim();
    error.textContent = '';
    input.removeAttribute('aria-invalid');
    const sure = await GB.confirm(t('settings.confirmChange', { name: s.name, from: s.value || t('settings.empty'),
      to: next || t('settings.empty') }), t('settings.save'));
    if (!sure) {
      input.focus();
      return;
    }
    view.busy = true;
    const result = await GB.api('PUT', '/admin/config/' + encodeURIComponent(s.name), { value: next });
    view.busy = false;
    if (result.ok && result.data) {
      replace(result.data);
      view.editing = null;
      render();
      GB.message(t('settings.saved', { name: s.name }), 'success');
      focusRow(s.name);
    } else if (result.status === 400 && result.data && result.data.error) {
      error.textContent = result.data.error.message;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    } else {
      GB.message(GB.failureText(result, 'PUT /admin/config/{name}'), 'error');
    }
  }

  async function revertSetting(s) {
    const base = s.base_value === '' || s.base_value === null ? t('settings.empty') : s.base_value;
    const sure = await GB.confirm(t('settings.confirmRevert', { name: s.name, value: base,
      source: t('settings.source.' + s.base_source) }), t('settings.revert'));
    if (!sure) {
      return;
    }
    const result = await GB.api('DELETE', '/admin/config/' + encodeURIComponent(s.name));
    if (result.ok && result.data) {
      replace(result.data);
      render();
      GB.message(t('settings.reverted', { name: s.name }), 'success');
      focusRow(s.name);
    } else {
      GB.message(GB.failureText(result, 'DELETE /admin/config/{name}'), 'error');
    }
  }

  function replace(item) {
    view.settings = view.settings.map((s) => (s.name === item.name ? item : s));
  }

  function focusRow(name) {
    const button = document.querySelector('tr[data-setting="' + name + '"] button[data-action="edit"]');
    if (button) {
      button.focus();
    }
  }

  GB.ready.then(() => {
    $('refresh').addEventListener('click', () => { view.editing = null; load(); });
    $('filter').addEventListener('input', (event) => { view.filter = event.target.value.trim(); render(); });
    $('editable-only').addEventListener('change', (event) => { view.editableOnly = event.target.checked; render(); });
    document.addEventListener('gb:language', render);
    load();
  });
})();
