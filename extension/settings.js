// The user's settings: what the user chose on the options page, and nothing else. Every check
// option's default and limits are the host's: it advertises them in its hello
// (`capabilities.options` and `capabilities.request_options`, docs/protocol.md), and this
// module reads them from there. A setting the user did not choose is not stored and not sent,
// so the host applies its own default. The checks here of how a value is written (an IP
// address, a zone name, a full path) only catch typos early; the host judges every value.
// Shared by the background and the pages; it touches no DOM.
import { api } from './api.js';
import { plural } from './util.js';

// The settings the options page offers, by their names in the check request, in its words.
// `section`: the group a field sits in on the page.
export const OPTION_LABELS = Object.freeze({
  ports: { label: 'Ports to probe' },
  resolver: { label: 'DNS resolver' },
  timeout: { section: 'Timeouts', label: 'Whole check' },
  connect_timeout: { section: 'Timeouts', label: 'TCP connection' },
  greeting_timeout: { section: 'Timeouts', label: 'Server greeting' },
  reply_timeout: { section: 'Timeouts', label: 'Each reply' },
  tls_timeout: { section: 'Timeouts', label: 'TLS handshake' },
  blocklists: { label: 'Blocklists' },
  dqs_key: { label: 'Spamhaus DQS key' },
  history: { label: 'Keep a history of checks' },
  allow_private: { label: 'Also probe private and other non-public addresses' },
  trust_anchor: { label: 'DNSSEC trust anchor file' },
  ca_file: { label: 'Extra trusted CA certificates' },
  ehlo: { label: 'EHLO name' },
});

export const SETTING_KEYS = Object.freeze(Object.keys(OPTION_LABELS));
export const TIMEOUT_KEYS = Object.freeze(SETTING_KEYS.filter((key) => OPTION_LABELS[key].section === 'Timeouts'));

// "Timeouts: whole check", "Extra trusted CA certificates": a setting as messages name it.
export function optionLabel(name) {
  const words = OPTION_LABELS[name];
  if (!words) return String(name).replace(/_/g, ' ');
  return words.section ? `${words.section}: ${words.label.replace(/^[A-Z](?=[a-z])/, (c) => c.toLowerCase())}` : words.label;
}

// ---- The host's table ---------------------------------------------------------------------------

// name -> the host's entry ({name, type, default, minimum, maximum, min_items, max_items,
// max_length, help}), check options and request options alike. A key absent from an entry
// means no such limit. Empty when the host advertises no table (older, or not reachable).
export function optionTable(capabilities) {
  const table = new Map();
  for (const entries of [capabilities?.options, capabilities?.request_options]) {
    for (const entry of Array.isArray(entries) ? entries : []) {
      if (entry && typeof entry === 'object' && typeof entry.name === 'string') table.set(entry.name, entry);
    }
  }
  return table;
}

// The value a check uses: the user's setting, else the host's default (undefined when
// neither is known).
export function optionValue(name, settings, capabilities) {
  return settings?.[name] ?? optionTable(capabilities).get(name)?.default ?? undefined;
}

// The ports the host probes unless told otherwise, in its order (a host older than the table
// says them in `default_ports`).
export function defaultPorts(capabilities) {
  const ports = optionTable(capabilities).get('ports')?.default ?? capabilities?.default_ports;
  return Array.isArray(ports) ? ports.map(Number).filter(Number.isInteger) : [];
}

// ---- Stored settings ------------------------------------------------------------------------------

// "Zen.DNSBL.example." -> "zen.dnsbl.example"
export function normalizeZone(zone) {
  return String(zone).trim().toLowerCase().replace(/\.$/, '');
}

function cleanValue(key, value) {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if (!Array.isArray(value)) return undefined;
  if (key === 'blocklists') return [...new Set(value.filter((z) => typeof z === 'string').map(normalizeZone).filter(Boolean))];
  if (key === 'ports') return [...new Set(value.map(Number).filter(Number.isInteger))];
  return [...new Set(value.filter((v) => typeof v === 'string').map((v) => v.trim()).filter(Boolean))];
}

// Only the settings the options page knows, with values of a usable type; an empty string
// means "not chosen" and is dropped. Values out of the host's range are kept: the host
// answers them with `input.usage`, which the page shows, rather than the extension silently
// changing what the user saved.
export function normalizeSettings(raw) {
  const settings = {};
  if (!raw || typeof raw !== 'object') return settings;
  for (const key of SETTING_KEYS) {
    const value = cleanValue(key, raw[key]);
    if (value !== undefined) settings[key] = value;
  }
  return settings;
}

// Stored under the key "settings" in storage.local.
export async function loadSettings() {
  const stored = await api.storage.local.get('settings');
  return normalizeSettings(stored?.settings);
}

export async function saveSettings(settings) {
  await api.storage.local.set({ settings: normalizeSettings(settings) });
}

// ---- Validation -----------------------------------------------------------------------------------

// "127.0.0.1, 198.51.100.53@5353  ::1" -> ["127.0.0.1", "198.51.100.53@5353", "::1"]
export function splitResolvers(text) {
  return (Array.isArray(text) ? text : String(text ?? '').split(/[\s,]+/)).filter(Boolean);
}

// Four numbers below 256 without leading zeros.
const isIpv4 = (addr) => {
  const parts = addr.split('.');
  return parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) < 256);
};
// Loose on purpose: the host parses the address; this only catches typos such as a host name.
const IPV6 = /^[0-9a-f:.]+$/i;

export function resolverError(entry) {
  let addr = entry;
  let port = null;
  const at = entry.lastIndexOf('@');
  if (at >= 0) {
    addr = entry.slice(0, at);
    port = entry.slice(at + 1);
  }
  if (addr.startsWith('[') && addr.endsWith(']')) addr = addr.slice(1, -1);
  const ok = isIpv4(addr) || (addr.includes(':') && IPV6.test(addr) && addr.split('::').length <= 2);
  if (!ok) return `“${entry}” is not an IP address (a resolver is given as ADDR or ADDR@PORT).`;
  if (port !== null && !/^\d+$/.test(port)) return `“${entry}” has a port that is not a number.`;
  return null;
}

function looksAbsolutePath(p) {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p);
}

// "from 1 to 300", "of at least 1", "" (no limit known)
function rangeWords(min, max) {
  if (Number.isFinite(min) && Number.isFinite(max)) return ` from ${min} to ${max}`;
  if (Number.isFinite(min)) return ` of at least ${min}`;
  if (Number.isFinite(max)) return ` of at most ${max}`;
  return '';
}

const secondsWords = (entry) => `A whole number of seconds${rangeWords(entry?.minimum, entry?.maximum)}.`;

// How each setting is written, given the host's entry (or none). Returns a message, or null.
const FORMAT = Object.freeze({
  ports: (v) => (Array.isArray(v) && v.every(Number.isInteger) ? null : 'Ports are whole numbers.'),
  resolver: (v) => splitResolvers(v).map(resolverError).find(Boolean) ?? null,
  trust_anchor: (v) => (looksAbsolutePath(v) ? null : 'Give the full path of the file, e.g. /etc/mxhealth/root.key.'),
  ca_file: (v) => (looksAbsolutePath(v) ? null : 'Give the full path of the file, e.g. /etc/ssl/my-ca.pem.'),
  ehlo: (v) => (/^\[[^\]\s]+\]$/.test(v) || /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\.?$/.test(v)
    ? null : 'A host name with a dot (mail.example.com) or an address literal such as [198.51.100.7].'),
  blocklists: (v) => {
    const bad = (Array.isArray(v) ? v : []).find((zone) => !/^([a-z0-9_-]+\.)+[a-z0-9-]+$/i.test(zone));
    return bad === undefined ? null : `“${bad}” is not a DNS zone name.`;
  },
  dqs_key: (v) => (/^[A-Za-z0-9]+$/.test(v) ? null : 'A Spamhaus DQS key has letters and digits only.'),
  ...Object.fromEntries(TIMEOUT_KEYS.map((key) => [key, (v, entry) => (Number.isInteger(v) ? null : secondsWords(entry))])),
});

// What one item of a list setting is called in the messages.
const ITEM_NOUNS = Object.freeze({ ports: 'port', resolver: 'resolver', blocklists: 'blocklist' });

const inRange = (n, min, max) => !(Number.isFinite(min) && n < min) && !(Number.isFinite(max) && n > max);

// Whether a value keeps to the limits of the host's entry. Returns a message, or null.
function limitProblem(key, value, entry) {
  if (!entry) return null;
  const { minimum, maximum, min_items: minItems, max_items: maxItems, max_length: maxLength } = entry;
  if (Array.isArray(value)) {
    const noun = ITEM_NOUNS[key] ?? 'entry';
    if (Number.isFinite(minItems) && value.length < minItems) return `Choose at least ${plural(minItems, noun)}.`;
    if (Number.isFinite(maxItems) && value.length > maxItems) return `At most ${plural(maxItems, noun)} in all.`;
    if (!value.every((n) => typeof n !== 'number' || inRange(n, minimum, maximum))) {
      return `Each ${noun} is a number${rangeWords(minimum, maximum)}.`;
    }
    const long = value.find((v) => typeof v === 'string' && Number.isFinite(maxLength) && v.length > maxLength);
    return long === undefined ? null : `“${long.slice(0, 40)}…” is longer than ${plural(maxLength, 'character')}.`;
  }
  if (typeof value === 'number' && !inRange(value, minimum, maximum)) {
    return entry.type === 'seconds' ? secondsWords(entry) : `A number${rangeWords(minimum, maximum)}.`;
  }
  if (typeof value === 'string' && Number.isFinite(maxLength) && value.length > maxLength) {
    return `At most ${plural(maxLength, 'character')}.`;
  }
  return null;
}

// Returns {key: message} for every problem; empty when the settings can be saved. `table`:
// the host's (optionTable); without it only how values are written is checked.
export function validateSettings(settings, table = new Map()) {
  const errors = {};
  for (const [key, value] of Object.entries(settings)) {
    const entry = table.get(key);
    const problem = FORMAT[key]?.(value, entry) ?? limitProblem(key, key === 'resolver' ? splitResolvers(value) : value, entry);
    if (problem) errors[key] = problem;
  }
  return errors;
}

// ---- The check request --------------------------------------------------------------------------

// The `options` of a check (or validate_options) request: only what the user chose, so the
// host applies its own defaults to the rest. With the host's table, only the options it lists;
// without one, the blocklist settings go only to a host that checks blocklists.
export function checkOptions(settings, capabilities, { fresh = false } = {}) {
  const table = optionTable(capabilities);
  const checksBlocklists = (capabilities?.checks ?? []).includes('dnsbl');
  const options = {};
  for (const [key, value] of Object.entries(settings)) {
    const known = table.size ? table.has(key) : checksBlocklists || (key !== 'blocklists' && key !== 'dqs_key');
    if (known) options[key] = key === 'resolver' ? splitResolvers(value) : value;
  }
  if (fresh) options.fresh = true;
  return options;
}
