// The user's settings: defaults, loading, saving, validation, and how they become the
// options of a `check` request (docs/protocol.md, "check"). Shared by the background and
// the pages; it touches no DOM.
import { api } from './api.js';

export const DEFAULT_BLOCKLISTS = Object.freeze([
  'zen.spamhaus.org',
  'dbl.spamhaus.org',
  'bl.spamcop.net',
  'b.barracudacentral.org',
  'psbl.surriel.com',
  'bl.mailspike.net',
  'dnsbl-1.uceprotect.net',
  'dnsbl.dronebl.org',
]);

// Stored under the key "settings" in storage.local. Missing keys take these values.
export const DEFAULTS = Object.freeze({
  ports: [25, 587, 465],
  resolver: '',
  timeout: 30,
  connect_timeout: 5,
  greeting_timeout: 20,
  reply_timeout: 10,
  tls_timeout: 10,
  allow_private: false,
  trust_anchor: '',
  ca_file: '',
  ehlo: '',
  history: true,
  blocklists: DEFAULT_BLOCKLISTS,
  dqs_key: '',
});

// The ranges the host accepts (docs/protocol.md, the table of check options).
export const TIMEOUT_LIMITS = Object.freeze({
  timeout: { min: 1, max: 300, label: 'Whole check' },
  connect_timeout: { min: 1, max: 120, label: 'TCP connection' },
  greeting_timeout: { min: 1, max: 120, label: 'Server greeting' },
  reply_timeout: { min: 1, max: 120, label: 'Each reply' },
  tls_timeout: { min: 1, max: 120, label: 'TLS handshake' },
});
export const MAX_PORTS = 8;

const STRING_KEYS = ['resolver', 'trust_anchor', 'ca_file', 'ehlo', 'dqs_key'];
const BOOLEAN_KEYS = ['allow_private', 'history'];

function isPort(n) {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

// Fills in defaults and drops values of the wrong type, so that code reading settings never
// has to guess. Out-of-range numbers are kept: the host answers them with `input.usage`,
// which the page shows, rather than the extension silently changing what the user saved.
export function normalizeSettings(raw) {
  const s = { ...DEFAULTS, blocklists: [...DEFAULTS.blocklists], ports: [...DEFAULTS.ports] };
  if (!raw || typeof raw !== 'object') return s;
  if (Array.isArray(raw.ports)) {
    // One order everywhere: 25, 587, 465, then the others.
    const rank = (p) => { const i = [25, 587, 465].indexOf(p); return i >= 0 ? i : 3 + p; };
    const ports = [...new Set(raw.ports.map(Number).filter(isPort))].sort((a, b) => rank(a) - rank(b));
    if (ports.length) s.ports = ports;
  }
  for (const key of Object.keys(TIMEOUT_LIMITS)) {
    const n = Number(raw[key]);
    if (raw[key] !== undefined && raw[key] !== '' && Number.isInteger(n)) s[key] = n;
  }
  for (const key of STRING_KEYS) if (typeof raw[key] === 'string') s[key] = raw[key].trim();
  for (const key of BOOLEAN_KEYS) if (typeof raw[key] === 'boolean') s[key] = raw[key];
  if (Array.isArray(raw.blocklists)) {
    s.blocklists = [...new Set(raw.blocklists.filter((z) => typeof z === 'string')
      .map((z) => z.trim().toLowerCase().replace(/\.$/, '')).filter(Boolean))];
  }
  return s;
}

export async function loadSettings() {
  const stored = await api.storage.local.get('settings');
  return normalizeSettings(stored?.settings);
}

export async function saveSettings(settings) {
  await api.storage.local.set({ settings: normalizeSettings(settings) });
}

// "127.0.0.1, 198.51.100.53@5353  ::1" -> ["127.0.0.1", "198.51.100.53@5353", "::1"]
export function splitResolvers(text) {
  return String(text ?? '').split(/[\s,]+/).filter(Boolean);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
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
  const ok = IPV4.test(addr) || (addr.includes(':') && IPV6.test(addr) && addr.split('::').length <= 2);
  if (!ok) return `“${entry}” is not an IP address (a resolver is given as ADDR or ADDR@PORT).`;
  if (port !== null && !(/^\d{1,5}$/.test(port) && isPort(Number(port)))) {
    return `“${entry}” has a port that is not a number from 1 to 65535.`;
  }
  return null;
}

function looksAbsolutePath(p) {
  return /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p);
}

// Returns {field: message} for every problem; empty when the settings can be saved.
export function validateSettings(s) {
  const errors = {};
  if (!Array.isArray(s.ports) || s.ports.length === 0) errors.ports = 'Choose at least one port.';
  else if (s.ports.length > MAX_PORTS) errors.ports = `At most ${MAX_PORTS} ports can be probed.`;
  else if (!s.ports.every(isPort)) errors.ports = 'Ports are numbers from 1 to 65535.';
  for (const entry of splitResolvers(s.resolver)) {
    const e = resolverError(entry);
    if (e) { errors.resolver = e; break; }
  }
  for (const [key, { min, max }] of Object.entries(TIMEOUT_LIMITS)) {
    const n = s[key];
    if (!Number.isInteger(n) || n < min || n > max) errors[key] = `A whole number of seconds from ${min} to ${max}.`;
  }
  if (s.trust_anchor && !looksAbsolutePath(s.trust_anchor)) errors.trust_anchor = 'Give the full path of the file, e.g. /etc/mxhealth/root.key.';
  if (s.ca_file && !looksAbsolutePath(s.ca_file)) errors.ca_file = 'Give the full path of the file, e.g. /etc/ssl/my-ca.pem.';
  if (s.ehlo && !(/^\[[^\]\s]+\]$/.test(s.ehlo) || /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\.?$/.test(s.ehlo))) {
    errors.ehlo = 'A host name with a dot (mail.example.com) or an address literal such as [198.51.100.7].';
  }
  for (const zone of s.blocklists ?? []) {
    if (!/^([a-z0-9_-]+\.)+[a-z0-9-]+$/i.test(zone)) { errors.blocklists = `“${zone}” is not a DNS zone name.`; break; }
  }
  if (s.dqs_key && !/^[A-Za-z0-9]+$/.test(s.dqs_key)) errors.dqs_key = 'A Spamhaus DQS key has letters and digits only.';
  return errors;
}

// The `options` of a check request. Empty strings mean "not set" and are left out, so the
// host uses its own defaults. Blocklist options go only to hosts that can use them.
export function checkOptions(s, capabilities, { fresh = false } = {}) {
  const options = {
    ports: s.ports,
    timeout: s.timeout,
    connect_timeout: s.connect_timeout,
    greeting_timeout: s.greeting_timeout,
    reply_timeout: s.reply_timeout,
    tls_timeout: s.tls_timeout,
    allow_private: s.allow_private,
    history: s.history,
  };
  const resolvers = splitResolvers(s.resolver);
  if (resolvers.length) options.resolver = resolvers;
  for (const key of ['trust_anchor', 'ca_file', 'ehlo']) if (s[key]) options[key] = s[key];
  if (fresh) options.fresh = true;
  if (capabilities?.checks?.includes('dnsbl')) {
    options.blocklists = s.blocklists;
    if (s.dqs_key) options.dqs_key = s.dqs_key;
  }
  return options;
}
