// The options page: edits the settings (settings.js) with validation next to each field,
// shows whether the helper program is usable, and clears the history.
import { BackgroundClient } from './client.js';
import { clear, el, hostText, renderHostProblem, sentence, plural } from './render.js';
import {
  DEFAULTS, DEFAULT_BLOCKLISTS, TIMEOUT_LIMITS, loadSettings, normalizeSettings, saveSettings,
  splitResolvers, validateSettings,
} from './settings.js';

const $ = (id) => document.getElementById(id);
const client = new BackgroundClient();
const STANDARD_PORTS = [25, 587, 465];

// ---- Building the dynamic parts -------------------------------------------------------------

for (const [key, { min, max, label }] of Object.entries(TIMEOUT_LIMITS)) {
  const id = `opt-${key}`;
  $('timeouts').append(el('div', { class: 'field' },
    el('label', { for: id, text: label }),
    el('span', { class: 'number-with-unit' },
      el('input', { id, type: 'number', min, max, step: 1, required: true, 'data-key': key, 'aria-describedby': `${key}-hint ${key}-error` }),
      el('span', { class: 'unit', 'aria-hidden': 'true', text: 's' })),
    el('p', { id: `${key}-hint`, class: 'field-hint', text: `${min}–${max} s, default ${DEFAULTS[key]}` }),
    el('p', { id: `${key}-error`, class: 'field-error', hidden: true })));
}

for (const zone of DEFAULT_BLOCKLISTS) {
  $('blocklist-choices').append(el('label', { class: 'choice' },
    el('input', { type: 'checkbox', name: 'blocklist', value: zone }), ' ', el('span', { class: 'mono', text: zone })));
}

// ---- Form <-> settings ----------------------------------------------------------------------

function fill(s) {
  for (const box of document.querySelectorAll('input[name="port"]')) box.checked = s.ports.includes(Number(box.value));
  $('ports-custom').value = s.ports.filter((p) => !STANDARD_PORTS.includes(p)).join(', ');
  const custom = splitResolvers(s.resolver).length > 0;
  document.querySelector(`input[name="resolver-mode"][value="${custom ? 'custom' : 'system'}"]`).checked = true;
  $('resolver').value = splitResolvers(s.resolver).join(', ');
  for (const key of Object.keys(TIMEOUT_LIMITS)) $(`opt-${key}`).value = String(s[key]);
  for (const box of document.querySelectorAll('input[name="blocklist"]')) box.checked = s.blocklists.includes(box.value);
  $('blocklists-custom').value = s.blocklists.filter((z) => !DEFAULT_BLOCKLISTS.includes(z)).join('\n');
  $('dqs-key').value = s.dqs_key;
  $('history').checked = s.history;
  $('allow-private').checked = s.allow_private;
  $('trust-anchor').value = s.trust_anchor;
  $('ca-file').value = s.ca_file;
  $('ehlo').value = s.ehlo;
  syncResolverField();
}

// Returns {settings, errors}; errors of fields that cannot even be read come from here, the
// rest from validateSettings.
function read() {
  const errors = {};
  const ports = [...document.querySelectorAll('input[name="port"]:checked')].map((b) => Number(b.value));
  for (const token of $('ports-custom').value.split(/[\s,]+/).filter(Boolean)) {
    const n = Number(token);
    if (!/^\d+$/.test(token) || n < 1 || n > 65535) errors.ports = `“${token}” is not a port number (1–65535).`;
    else if (!ports.includes(n)) ports.push(n);
  }
  const customResolver = document.querySelector('input[name="resolver-mode"]:checked')?.value === 'custom';
  const resolver = customResolver ? splitResolvers($('resolver').value).join(', ') : '';
  if (customResolver && !resolver) errors.resolver = 'Enter at least one address, or choose this computer\'s resolvers.';
  const settings = {
    ports,
    resolver,
    allow_private: $('allow-private').checked,
    trust_anchor: $('trust-anchor').value.trim(),
    ca_file: $('ca-file').value.trim(),
    ehlo: $('ehlo').value.trim(),
    history: $('history').checked,
    blocklists: [
      ...[...document.querySelectorAll('input[name="blocklist"]:checked')].map((b) => b.value),
      ...$('blocklists-custom').value.split(/[\s,]+/).map((z) => z.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean),
    ],
    dqs_key: $('dqs-key').value.trim(),
  };
  for (const key of Object.keys(TIMEOUT_LIMITS)) {
    const raw = $(`opt-${key}`).value.trim();
    settings[key] = /^\d+$/.test(raw) ? Number(raw) : NaN;
  }
  settings.blocklists = [...new Set(settings.blocklists)];
  return { settings, errors: { ...validateSettings(settings), ...errors } };
}

// The input each error is shown next to.
const ERROR_FIELDS = Object.freeze({
  ports: 'ports-custom',
  resolver: 'resolver',
  blocklists: 'blocklists-custom',
  dqs_key: 'dqs-key',
  trust_anchor: 'trust-anchor',
  ca_file: 'ca-file',
  ehlo: 'ehlo',
  ...Object.fromEntries(Object.keys(TIMEOUT_LIMITS).map((k) => [k, `opt-${k}`])),
});

function showErrors(errors) {
  let first = null;
  for (const [key, inputId] of Object.entries(ERROR_FIELDS)) {
    const message = $(`${key}-error`);
    const input = $(inputId);
    if (errors[key]) {
      message.textContent = errors[key];
      message.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      first ??= input;
    } else {
      message.textContent = '';
      message.hidden = true;
      input.removeAttribute('aria-invalid');
    }
  }
  return first;
}

function syncResolverField() {
  const custom = document.querySelector('input[name="resolver-mode"]:checked')?.value === 'custom';
  $('resolver').disabled = !custom;
}

// ---- Actions --------------------------------------------------------------------------------

// Asks the helper whether it can use the files and resolvers of these settings. Returns
// {field: message} (empty when it can, or when the helper cannot tell: an older helper
// without the request, or none at all, and then the settings are saved as they are).
async function helperProblems(settings) {
  let answer;
  try {
    answer = await client.validateOptions(settings);
  } catch {
    return {};
  }
  if (!answer.supported || answer.valid) return {};
  const errors = {};
  for (const p of answer.problems) {
    const key = Object.hasOwn(ERROR_FIELDS, p.option) ? p.option : '_other';
    const message = sentence(hostText(p.message)) || 'The helper cannot use this.';
    errors[key] = errors[key] ? `${errors[key]} ${message}` : message;
  }
  if (!Object.keys(errors).length) errors._other = 'The helper cannot use these options.';
  return errors;
}

function refuse(errors) {
  const first = showErrors(errors);
  const fields = Object.keys(errors).filter((k) => k !== '_other').length;
  $('save-status').dataset.level = 'bad';
  $('save-status').textContent = fields
    ? `Not saved: ${plural(fields, 'field needs', 'fields need')} fixing.${errors._other ? ` ${errors._other}` : ''}`
    : `Not saved: ${errors._other}`;
  first?.focus();
}

$('options-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const { settings, errors } = read();
  if (Object.keys(errors).length) {
    refuse(errors);
    return;
  }
  const save = $('save');
  save.disabled = true;
  $('save-status').dataset.level = '';
  $('save-status').textContent = 'Asking the helper whether it can use these settings…';
  try {
    const problems = await helperProblems(settings);
    if (Object.keys(problems).length) {
      refuse(problems);
      return;
    }
    showErrors({});
    await saveSettings(settings);
    fill(normalizeSettings(settings));
    $('save-status').dataset.level = 'ok';
    $('save-status').textContent = `Saved at ${new Date().toLocaleTimeString()}. The next check uses these settings.`;
  } catch (e) {
    $('save-status').dataset.level = 'bad';
    $('save-status').textContent = `Could not save: ${e?.message ?? e}`;
  } finally {
    save.disabled = false;
  }
});

$('reset').addEventListener('click', () => {
  fill(normalizeSettings({}));
  showErrors({});
  $('save-status').dataset.level = '';
  $('save-status').textContent = 'Defaults restored in the form. Save to keep them.';
});

for (const radio of document.querySelectorAll('input[name="resolver-mode"]')) {
  radio.addEventListener('change', syncResolverField);
}

$('clear-history').addEventListener('click', async () => {
  const domain = $('clear-domain').value.trim();
  const status = $('clear-status');
  const button = $('clear-history');
  button.disabled = true;
  status.textContent = 'Clearing…';
  try {
    const answer = await client.clearHistory(domain);
    status.textContent = `Removed ${plural(answer.removed, 'stored check')}${domain ? ` of ${domain}` : ''}.`;
  } catch (error) {
    status.textContent = error.code === 'request.unknown_type'
      ? 'This version of the mxhealth helper cannot clear the history. Update it with installer/install.sh.'
      : `Could not clear the history: ${sentence(error.message)}`;
  } finally {
    button.disabled = false;
  }
});

async function showHelper() {
  const box = $('helper-status');
  try {
    const hello = await client.hello();
    const checks = hello.capabilities?.checks ?? [];
    clear(box).append(
      el('p', {}, el('span', { class: 'ok-mark', 'aria-hidden': 'true', text: '✓ ' }),
        `Connected to mxhealth ${hello.host_version} (protocol ${hello.protocol_version}).`),
      el('p', { class: 'field-hint', text: `It checks: ${checks.join(', ') || 'nothing listed'}. Default ports: ${(hello.capabilities?.default_ports ?? []).join(', ')}.` }));
    $('blocklist-support').textContent = checks.includes('dnsbl')
      ? 'The addresses of the mail servers are looked up in these blocklists.'
      : 'Your mxhealth helper does not check blocklists yet; these settings are used once it does.';
  } catch (error) {
    clear(box);
    if (error.kind === 'host_problem') {
      const problem = el('div', { class: 'host-problem' });
      box.append(problem);
      renderHostProblem(problem, error).addEventListener('click', showHelper);
    } else {
      box.append(el('p', { text: sentence(error.message) }));
    }
    $('blocklist-support').textContent = 'Blocklists are checked by mxhealth helpers that support them.';
  }
}

// ---- Start ----------------------------------------------------------------------------------

fill(await loadSettings());
showHelper();
