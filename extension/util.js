// Small helpers shared by the pages: elements built without HTML strings, sentences,
// plurals, RFC links, dates and durations, and whether the page is the compact popup.
//
// Everything that comes from the host (and so from DNS and from mail servers: hostile
// text) goes into the page with textContent or as attribute values of elements built here.

// el('p', {class: 'x', text: 'hello', 'data-code': 'mx.null'}, child, 'text', ...)
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (/^on/i.test(key)) throw new Error(`el: event handler attribute ${key}`);
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
  return node;
}

// "the DNS resolver did not answer" -> "The DNS resolver did not answer." A first word that
// is a name ("nullmx.test publishes ...") keeps its case.
export function sentence(text) {
  const t = String(text ?? '').trim();
  if (!t) return '';
  const first = t.split(/\s/, 1)[0];
  const s = /^[a-z]+$/.test(first) ? t[0].toUpperCase() + t.slice(1) : t;
  return /[.!?…]$/.test(s) ? s : `${s}.`;
}

export function plural(n, one, many = `${one}s`) {
  return `${typeof n === 'number' ? formatCount(n) : n} ${n === 1 ? one : many}`;
}

// "RFC 5321 §3.1, RFC 8314 (587, 465)" -> [{rfc: "5321", section: "3.1"}, {rfc: "8314"}]
export function rfcReferences(reference) {
  const out = [];
  const seen = new Set();
  const re = /RFC\s*(\d{1,5})(?:\s*(?:§|section\s+)\s*(\d+(?:\.\d+)*))?/gi;
  for (const m of String(reference ?? '').matchAll(re)) {
    const rfc = String(Number(m[1]));
    const section = m[2] ?? null;
    const key = `${rfc}#${section}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      rfc,
      section,
      label: section ? `RFC ${rfc} §${section}` : `RFC ${rfc}`,
      url: `https://www.rfc-editor.org/rfc/rfc${rfc}${section ? `#section-${section}` : ''}`,
    });
  }
  return out;
}

// 1069 -> "1,069": numbers in sentences read the same in every locale of the browser.
export function formatCount(n) {
  return Number(n).toLocaleString('en-US');
}

// ---- Page form and dates -----------------------------------------------------------------------

// True on the toolbar popup (narrow: details folded, long names shortened), false on the
// report page and the options page.
export function isCompactPage() {
  return document.body.classList.contains('popup');
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateFormat.format(d);
}

export function formatDuration(ms) {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  return `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}

export function formatAge(ms) {
  const s = Math.round(ms / 1000);
  if (s < 5) return 'a moment';
  if (s < 60) return plural(s, 'second');
  const m = Math.round(s / 60);
  return plural(m, 'minute');
}

// ---- Text from the host, for people who use the extension -------------------------------------

// The command line's flags, in the words of the Options page: the host's sentences are shared
// with the CLI and sometimes name a flag ("give a resolver with --resolver").
const FLAG_WORDS = Object.freeze({
  'allow-private': 'the option “Also probe private and other non-public addresses”',
  'ca-file': 'the option “Extra trusted CA certificates”',
  'trust-anchor': 'the option “DNSSEC trust anchor file”',
  resolver: 'the option “DNS resolver”',
  blocklists: 'the blocklist options',
  'blocklist-config': 'the blocklist options',
  'dqs-key': 'the option “Spamhaus DQS key”',
  ports: 'the option “Ports to probe”',
  ehlo: 'the option “EHLO name”',
  timeout: 'the timeout “Whole check”',
  'connect-timeout': 'the timeout “TCP connection”',
  'greeting-timeout': 'the timeout “Server greeting”',
  'reply-timeout': 'the timeout “Each reply”',
  'tls-timeout': 'the timeout “TLS handshake”',
  'no-smtp': 'a DNS-only check',
  verbose: 'the full report',
  json: 'the full report',
});

function flagWords(text) {
  return text
    .replace(/\s*\(try: mxhealth --help\)/g, '')
    .replace(/--allow-private (?:was|is) given/g, 'non-public addresses are allowed in the options')
    .replace(/(?:without|no) --allow-private/g, 'unless the options allow non-public addresses')
    .replace(/\(--([a-z][a-z-]*)\)/g, (m, flag) => (FLAG_WORDS[flag] ? `(${FLAG_WORDS[flag]})` : ''))
    .replace(/--([a-z][a-z-]*)/g, (m, flag) => FLAG_WORDS[flag] ?? 'an option');
}

// "error:80000002:system library::No such file or directory" -> "No such file or directory".
function withoutLibraryCodes(text) {
  return text.replace(/\berror:[0-9A-Fa-f]{8}:[^:]*:[^:]*:/g, '');
}

// 1.4.1.0.[...].8.b.d.0.1.0.0.2.ip6.arpa -> 2001:db8:141::141; 25.100.51.198.in-addr.arpa ->
// 198.51.100.25; null for anything else.
export function arpaToIp(name) {
  const n = String(name).toLowerCase().replace(/\.$/, '');
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/.exec(n);
  if (v4) return v4.slice(1).reverse().join('.');
  const v6 = /^((?:[0-9a-f]\.){32})ip6\.arpa$/.exec(n);
  if (!v6) return null;
  const hex = v6[1].split('.').filter(Boolean).reverse().join('');
  const groups = hex.match(/.{4}/g).map((g) => g.replace(/^0+(?=.)/, ''));
  // The longest run of zero groups (at least two) becomes "::" (RFC 5952).
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === '0') j += 1;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j > i ? j : i + 1;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

const LONG_NAME = /\b(?:[a-z0-9_](?:[a-z0-9_-]*[a-z0-9])?\.){4,}[a-z]{2,63}\b\.?/gi;
const MAX_NAME = 40;

// Long DNS names (a reverse name of an IPv6 address has 72 characters) are not quoted in
// full where space is short: a reverse name becomes its address, any other long name keeps
// its first label and its last two.
export function shortenDnsNames(text) {
  return text.replace(LONG_NAME, (name) => {
    if (name.length <= MAX_NAME) return name;
    const ip = arpaToIp(name);
    if (ip) return `the reverse name of ${ip}`;
    const labels = name.replace(/\.$/, '').split('.');
    return `${labels[0]}.….${labels.slice(-2).join('.')}`;
  });
}

// A sentence from the host as the extension shows it: no command-line flags, no library
// error codes, and (compact: the popup) no long DNS names.
export function hostText(value, { compact = false } = {}) {
  let t = withoutLibraryCodes(flagWords(String(value ?? '')));
  // A sentence that starts with a host name keeps its lower case ("Mx1.example.com could not…").
  t = t.replace(/^([A-Z])(?=[a-z0-9-]+(?:\.[a-z0-9-]+)+\b)/, (c) => c.toLowerCase());
  if (compact) t = shortenDnsNames(t);
  return t;
}

// The most important part of a sentence, for a line that has room for one short reason:
// the first sentence, without a trailing full stop; parentheses go when it is still long.
export function shortReason(value, { max = 72 } = {}) {
  let t = hostText(value, { compact: true }).trim();
  t = t.split(/(?<=[.!?])\s+(?=[A-Z0-9“"(])/u)[0];
  if (t.length > max) {
    const stripped = t.replace(/\s*\((?:[^()]|\([^()]*\))*\)/g, '');
    if (stripped.length >= 12) t = stripped;
  }
  if (t.length > max) {
    // Lists of the same thing ("a could not be reached; b could not be reached; ...").
    const first = t.split(/;\s+/)[0];
    if (first.length >= 12 && first.length < t.length) t = `${first}; …`;
  }
  return t.replace(/\.$/, '');
}
