// The options page: edits the settings (settings.js) with validation next to each field,
// shows whether the helper program is usable, and clears the history.
//
// The defaults and limits it shows and enforces are the helper's, from its hello
// (capabilities.options): an empty field, or a choice equal to the helper's default, is not
// stored, so the helper's default applies. A setting the user did not touch stays as it was
// saved. Without a helper the page says so, and still shows and edits what was saved.
import { BackgroundClient } from './client.js';
import { renderHostProblem } from './hostproblem.js';
import { PORT_WORDS, portOrder } from './ports.js';
import {
  OPTION_LABELS, SETTING_KEYS, TIMEOUT_KEYS, defaultPorts, loadSettings, normalizeSettings, normalizeZone, optionTable,
  saveSettings, splitResolvers, validateSettings,
} from './settings.js';
import { clear, el, hostText, plural, sentence } from './util.js';

const $ = (id) => document.getElementById(id);
const client = new BackgroundClient();

let capabilities = null; // the helper's hello capabilities; null until it answers
let table = new Map(); // its option table (settings.js optionTable)
let saved = {}; // the stored settings
const touched = new Set(); // the settings changed in the form since it was filled

// The input of each setting (of a list: its text field); its error is shown next to it.
const INPUTS = Object.freeze({
  ports: 'ports-custom',
  resolver: 'resolver',
  blocklists: 'blocklists-custom',
  dqs_key: 'dqs-key',
  history: 'history',
  allow_private: 'allow-private',
  trust_anchor: 'trust-anchor',
  ca_file: 'ca-file',
  ehlo: 'ehlo',
  ...Object.fromEntries(TIMEOUT_KEYS.map((key) => [key, `opt-${key}`])),
});

const HINTS = Object.freeze({ ports: $('ports-custom-hint').textContent, blocklists: $('blocklists-hint').textContent });

const tokens = (text) => String(text).split(/[\s,]+/).filter(Boolean);
const sameSet = (a, b) => a.length === b.length && a.every((x) => b.includes(x));
const portsOrder = () => portOrder(defaultPorts(capabilities));
function defaultZones() {
  const zones = table.get('blocklists')?.default;
  return Array.isArray(zones) ? zones : null;
}

// ---- The parts that come from the helper's table ----------------------------------------------

function choice(name, value, setting, ...words) {
  return el('label', { class: 'choice' },
    el('input', { type: 'checkbox', name, value, 'data-setting': setting }), ' ', el('span', {}, ...words));
}

// " At most 8 ports in all." from the entry's max_items; "" when the helper does not say.
function atMost(key, noun) {
  const max = table.get(key)?.max_items;
  return Number.isFinite(max) ? ` At most ${plural(max, noun)} in all.` : '';
}

// "1–300 s, default 30 s"
function secondsHint(entry) {
  if (!entry) return 'Empty: the helper\'s default.';
  const range = Number.isFinite(entry.minimum) && Number.isFinite(entry.maximum) ? `${entry.minimum}–${entry.maximum} s, ` : '';
  return `${range}default ${entry.default ?? '?'} s`;
}

function build() {
  const ports = defaultPorts(capabilities);
  clear($('port-choices')).append(...ports.map((port) => choice('port', port, 'ports',
    el('span', { class: 'mono', text: port }), PORT_WORDS.has(port) ? ` ${PORT_WORDS.get(port)}` : '')));
  $('port-choices').hidden = !ports.length;
  $('ports-custom-label').textContent = ports.length ? 'Other ports' : 'Ports';
  $('ports-custom-hint').textContent = `${HINTS.ports}${atMost('ports', 'port')}`;

  clear($('timeouts'));
  for (const key of TIMEOUT_KEYS) {
    const entry = table.get(key);
    const id = `opt-${key}`;
    $('timeouts').append(el('div', { class: 'field' },
      el('label', { for: id, text: OPTION_LABELS[key].label }),
      el('span', { class: 'number-with-unit' },
        el('input', {
          id, type: 'number', min: entry?.minimum, max: entry?.maximum, step: 1, placeholder: entry?.default,
          'data-setting': key, 'aria-describedby': `${key}-hint ${key}-error`,
        }),
        el('span', { class: 'unit', 'aria-hidden': 'true', text: 's' })),
      el('p', { id: `${key}-hint`, class: 'field-hint', text: secondsHint(entry) }),
      el('p', { id: `${key}-error`, class: 'field-error', hidden: true })));
  }

  const zones = defaultZones() ?? [];
  clear($('blocklist-choices')).append(...zones.map((zone) => choice('blocklist', zone, 'blocklists', el('span', { class: 'mono', text: zone }))));
  $('blocklist-choices').hidden = !zones.length;
  $('blocklists-custom-label').textContent = zones.length ? 'Other blocklists' : 'Blocklists';
  $('blocklists-hint').textContent = `${HINTS.blocklists}${atMost('blocklists', 'blocklist')}`;
}

// ---- Form <-> settings ------------------------------------------------------------------------

// Shows the settings; what they do not choose shows the helper's default.
function fill(settings) {
  const ports = defaultPorts(capabilities);
  const chosenPorts = settings.ports ?? ports;
  for (const box of document.querySelectorAll('input[name="port"]')) box.checked = chosenPorts.includes(Number(box.value));
  $('ports-custom').value = portsOrder().sort(chosenPorts.filter((p) => !ports.includes(p))).join(', ');
  const resolvers = splitResolvers(settings.resolver);
  document.querySelector(`input[name="resolver-mode"][value="${resolvers.length ? 'custom' : 'system'}"]`).checked = true;
  $('resolver').value = resolvers.join(', ');
  for (const key of TIMEOUT_KEYS) $(INPUTS[key]).value = settings[key] ?? '';
  const zones = defaultZones() ?? [];
  const chosenZones = settings.blocklists ?? zones;
  for (const box of document.querySelectorAll('input[name="blocklist"]')) box.checked = chosenZones.includes(box.value);
  $('blocklists-custom').value = chosenZones.filter((z) => !zones.includes(z)).join('\n');
  for (const key of ['history', 'allow_private']) {
    const value = settings[key] ?? table.get(key)?.default;
    $(INPUTS[key]).checked = value === true;
    // Neither chosen nor known (no helper): "the helper's default", until clicked.
    $(INPUTS[key]).indeterminate = typeof value !== 'boolean';
  }
  for (const key of ['dqs_key', 'trust_anchor', 'ca_file', 'ehlo']) $(INPUTS[key]).value = settings[key] ?? '';
  syncResolverField();
}

// A list as chosen: undefined when it is the helper's default (or, with no default known,
// when it is empty).
function listChoice(list, defaults) {
  if (defaults) return sameSet(list, defaults) ? undefined : list;
  return list.length ? list : undefined;
}

// One setting as the form shows it; undefined: not chosen (the helper's default). Problems
// with what cannot even be read go into `errors`; the rest is for validateSettings.
function readSetting(key, errors) {
  const input = $(INPUTS[key]);
  if (key === 'ports') {
    const ports = [...document.querySelectorAll('input[name="port"]:checked')].map((b) => Number(b.value));
    for (const token of tokens(input.value)) {
      if (!/^\d+$/.test(token)) errors.ports = `“${token}” is not a port number.`;
      else if (!ports.includes(Number(token))) ports.push(Number(token));
    }
    const defaults = defaultPorts(capabilities);
    return listChoice(portsOrder().sort(ports), defaults.length ? defaults : null);
  }
  if (key === 'blocklists') {
    const zones = [...document.querySelectorAll('input[name="blocklist"]:checked')].map((b) => b.value);
    for (const zone of tokens(input.value).map(normalizeZone).filter(Boolean)) if (!zones.includes(zone)) zones.push(zone);
    return listChoice(zones, defaultZones());
  }
  if (key === 'resolver') {
    if (document.querySelector('input[name="resolver-mode"]:checked')?.value !== 'custom') return undefined;
    const resolvers = splitResolvers(input.value);
    if (!resolvers.length) errors.resolver = 'Enter at least one address, or choose this computer\'s resolvers.';
    return resolvers.join(', ') || undefined;
  }
  if (input.type === 'checkbox') {
    return input.indeterminate || input.checked === table.get(key)?.default ? undefined : input.checked;
  }
  const raw = input.value.trim();
  if (input.type === 'number') return raw === '' ? undefined : /^\d+$/.test(raw) ? Number(raw) : NaN;
  return raw || undefined;
}

// The settings to store: what was saved, with the settings the user touched as the form
// shows them.
function formSettings(errors = {}) {
  const settings = { ...saved };
  for (const key of touched) {
    const value = readSetting(key, errors);
    if (value === undefined) delete settings[key]; else settings[key] = value;
  }
  return settings;
}

// Returns {settings, errors}.
function read() {
  const errors = {};
  const settings = formSettings(errors);
  return { settings, errors: { ...validateSettings(settings, table), ...errors } };
}

function showErrors(errors) {
  let first = null;
  for (const [key, inputId] of Object.entries(INPUTS)) {
    const message = $(`${key}-error`);
    if (!message) continue;
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

// Asks the helper whether it can use these settings: the values (it answers one it refuses
// with an error that names the option), the files and the resolvers. Returns {field: message}
// (empty when it can, or when the helper cannot tell: an older helper without the request,
// or none at all, and then the settings are saved as they are).
async function helperProblems(settings) {
  let answer;
  try {
    answer = await client.validateOptions(settings);
  } catch (error) {
    // Only a refused value (input.usage, dns.config, tls.config) stops the saving.
    if (error.kind !== 'error' || !/^(input\.|dns\.config$|tls\.config$)/.test(error.code ?? '')) return {};
    answer = { supported: true, valid: false, problems: [{ option: error.option, message: error.message }] };
  }
  if (!answer.supported || answer.valid) return {};
  const errors = {};
  for (const p of answer.problems) {
    const key = Object.hasOwn(INPUTS, p.option) && $(`${p.option}-error`) ? p.option : '_other';
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
    saved = normalizeSettings(settings);
    touched.clear();
    fill(saved);
    $('save-status').dataset.level = 'ok';
    $('save-status').textContent = `Saved at ${new Date().toLocaleTimeString()}. The next check uses these settings.`;
  } catch (e) {
    $('save-status').dataset.level = 'bad';
    $('save-status').textContent = `Could not save: ${e?.message ?? e}`;
  } finally {
    save.disabled = false;
  }
});

// Every setting back to the helper's default: nothing chosen.
$('reset').addEventListener('click', () => {
  fill({});
  for (const key of SETTING_KEYS) touched.add(key);
  showErrors({});
  $('save-status').dataset.level = '';
  $('save-status').textContent = 'The helper\'s defaults restored in the form. Save to keep them.';
});

for (const radio of document.querySelectorAll('input[name="resolver-mode"]')) {
  radio.addEventListener('change', syncResolverField);
}

for (const type of ['input', 'change']) {
  $('options-form').addEventListener(type, (event) => {
    const key = event.target.closest?.('[data-setting]')?.dataset.setting;
    if (key) touched.add(key);
  });
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

// Asks the helper for its hello: says whether it can be used, and rebuilds the parts of the
// form that show its defaults and limits, keeping what the form says.
async function showHelper() {
  let hello = null;
  let failure = null;
  try {
    hello = await client.hello();
  } catch (error) {
    failure = error;
  }
  const current = formSettings(); // read with what the form was built from
  capabilities = hello ? hello.capabilities ?? {} : null;
  table = optionTable(capabilities);
  build();
  fill(current);

  const box = clear($('helper-status'));
  if (hello) {
    const checks = capabilities.checks ?? [];
    box.append(
      el('p', {}, el('span', { class: 'ok-mark', 'aria-hidden': 'true', text: '✓ ' }),
        `Connected to mxhealth ${hello.host_version} (protocol ${hello.protocol_version}).`),
      el('p', { class: 'field-hint', text: `It checks: ${checks.join(', ') || 'nothing listed'}. Default ports: ${defaultPorts(capabilities).join(', ')}.` }));
    if (!table.size) {
      box.append(el('p', { class: 'field-hint', text: 'This helper does not say its defaults and limits: it checks each value when a check runs.' }));
    }
    $('blocklist-support').textContent = checks.includes('dnsbl')
      ? 'The addresses of the mail servers are looked up in these blocklists.'
      : 'Your mxhealth helper does not check blocklists yet; these settings are used once it does.';
    return;
  }
  if (failure.kind === 'host_problem') {
    const problem = el('div', { class: 'host-problem' });
    box.append(problem);
    renderHostProblem(problem, failure).addEventListener('click', showHelper);
  } else {
    box.append(el('p', { text: sentence(failure.message) }));
  }
  box.append(el('p', { class: 'field-hint', text: 'The settings saved in this browser are shown below and can be changed. The helper\'s defaults and limits are shown once it answers.' }));
  $('blocklist-support').textContent = 'Blocklists are checked by mxhealth helpers that support them.';
}

// ---- Start ----------------------------------------------------------------------------------

saved = await loadSettings();
build();
fill(saved);
showHelper();
