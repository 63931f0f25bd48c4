// The report's story (docs/report.md): the headline, the six dimensions, and what each
// kind of sending server does with a message sent now. Words here, elements built with el().
//
// A report from an older host has no `assessment`: hasAssessment() is false and the pages
// show the verdict as they always did.
import { clear, el, hostText, plural, sentence, shortReason } from './util.js';

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (v) => (Array.isArray(v) ? v : []);
const text = (v) => (v === null || v === undefined ? '' : String(v));

// In the order of the spec.
export const DIMENSIONS = Object.freeze([
  { key: 'delivery', name: 'Delivery', about: 'Can senders hand mail to this domain right now?' },
  { key: 'encryption', name: 'Encryption', about: 'Does mail travel encrypted?' },
  { key: 'authentication', name: 'Authentication', about: 'Can senders that check (DANE, MTA-STS) verify the mail servers?' },
  { key: 'sender_policies', name: 'Sender policies', about: 'SPF and DMARC: about mail sent in the domain\'s name' },
  { key: 'reputation', name: 'Reputation', about: 'Blocklists and reverse DNS of the mail servers\' addresses' },
  { key: 'dns_integrity', name: 'DNS integrity', about: 'DNSSEC of the domain\'s mail records' },
]);

// Findings about other things than the domain's dimensions.
export const OTHER_GROUPS = Object.freeze([
  { key: 'network', name: 'About your network', about: 'These come from where you are checking from. Mail servers on the internet are not affected.' },
  { key: 'check', name: 'About this check', about: 'How the check itself went.' },
]);

// Status -> glyph (never colour alone), word, tone (the stylesheet's colours).
export const DIMENSION_STATUS = Object.freeze({
  ok: { glyph: '✓', word: 'OK', tone: 'ok' },
  warning: { glyph: '!', word: 'Warning', tone: 'warn' },
  error: { glyph: '✕', word: 'Problem', tone: 'bad' },
  unknown: { glyph: '?', word: 'Unknown', tone: 'neutral' },
  not_applicable: { glyph: '–', word: 'Does not apply', tone: 'neutral' },
});

const statusOf = (status) => DIMENSION_STATUS[status] ?? { glyph: '?', word: text(status) || 'Unknown', tone: 'neutral' };

export function hasAssessment(report) {
  const a = report?.assessment;
  return isObject(a) && isObject(a.headline) && typeof a.headline.text === 'string' && isObject(a.dimensions);
}

// The headline as the pages show it.
export function headlineText(report, { compact = false } = {}) {
  return hostText(report.assessment.headline.text, { compact });
}

export function dimensionsOf(report) {
  const dims = hasAssessment(report) ? report.assessment.dimensions : {};
  return DIMENSIONS.map((d) => {
    const value = isObject(dims[d.key]) ? dims[d.key] : { status: 'unknown', summary: '' };
    return { ...d, status: text(value.status) || 'unknown', summary: text(value.summary) };
  });
}

// Fills ul#dimensions: one line per dimension. The popup: a glyph, the name and one short
// reason, opening in place to the whole sentence and that dimension's findings. The report
// page: the whole sentence on the line.
export function renderDimensions(listNode, report, { compact = false, findingsFor = () => [] } = {}) {
  clear(listNode);
  if (!hasAssessment(report)) {
    listNode.hidden = true;
    return;
  }
  listNode.hidden = false;
  for (const d of dimensionsOf(report)) {
    const s = statusOf(d.status);
    const full = sentence(hostText(d.summary, { compact }));
    const attrs = { class: 'dimension', 'data-dimension': d.key, 'data-status': d.status, 'data-tone': s.tone };
    const line = [
      el('span', { class: 'status-glyph', 'aria-hidden': 'true', text: s.glyph }),
      el('span', { class: 'dimension-name', title: d.about, text: d.name }),
      el('span', { class: 'visually-hidden', text: `: ${s.word}. ` }),
    ];
    if (!compact) {
      listNode.append(el('li', attrs, el('div', { class: 'dimension-line' }, ...line,
        el('span', { class: 'dimension-reason', text: full }))));
      continue;
    }
    const more = el('div', { class: 'dimension-more' }, el('p', { class: 'dimension-summary', text: full }));
    const findings = findingsFor(d.key);
    if (findings) more.append(findings);
    listNode.append(el('li', attrs, el('details', { class: 'dimension-fold' },
      el('summary', { class: 'dimension-line', title: full }, ...line,
        el('span', { class: 'dimension-reason', text: shortReason(d.summary) })),
      more)));
  }
}

// ---- What senders do ----------------------------------------------------------------------------

export const SENDER_KINDS = Object.freeze([
  { key: 'opportunistic', name: 'Most mail servers', about: 'Use STARTTLS when offered, without checking the certificate; deliver unencrypted otherwise; do not validate DNSSEC.' },
  { key: 'dnssec_validating', name: 'Servers that validate DNSSEC', about: 'The same, but their resolver validates DNSSEC: records that fail validation cannot be used.' },
  { key: 'dane', name: 'DANE senders', about: 'Validate DNSSEC and check each mail server against its signed TLSA records (RFC 7672).' },
  { key: 'mta_sts', name: 'MTA-STS senders', about: 'Apply the domain\'s MTA-STS policy (RFC 8461): in enforce mode, only to covered servers with a valid certificate.' },
]);

export const OUTCOMES = Object.freeze({
  delivered_verified: { glyph: '✓', tone: 'ok', words: 'Delivered, encrypted and verified' },
  delivered_encrypted: { glyph: '✓', tone: 'ok', words: 'Delivered encrypted' },
  delivered_unencrypted: { glyph: '✕', tone: 'bad', words: 'Delivered unencrypted' },
  deferred: { glyph: '✕', tone: 'bad', words: 'Not delivered: the mail waits, and may bounce after days' },
  bounced: { glyph: '✕', tone: 'bad', words: 'Returned to the sender at once' },
  unknown: { glyph: '?', tone: 'neutral', words: 'Not known' },
});

export function senderRows(report) {
  const senders = isObject(report?.senders) ? report.senders : null;
  if (!senders) return [];
  return SENDER_KINDS.filter((k) => isObject(senders[k.key])).map((k) => {
    const s = senders[k.key];
    let o = OUTCOMES[s.outcome] ?? { glyph: '?', tone: 'neutral', words: text(s.outcome) };
    // A Null MX bounces on purpose.
    if (s.outcome === 'bounced' && report.null_mx) o = { ...o, glyph: '–', tone: 'neutral' };
    return { ...k, outcome: text(s.outcome), via: s.via ? text(s.via) : null, reason: text(s.reason), ...o };
  });
}

// Fills the "What senders do" table body; returns false when the report has no senders.
export function renderSenders(tbody, report) {
  clear(tbody);
  const rows = senderRows(report);
  for (const r of rows) {
    tbody.append(el('tr', { class: 'sender', 'data-kind': r.key, 'data-outcome': r.outcome, 'data-tone': r.tone },
      el('th', { scope: 'row', class: 'sender-kind', title: r.about, text: r.name }),
      el('td', { class: 'sender-outcome' },
        el('span', { class: 'status-glyph', 'aria-hidden': 'true', text: r.glyph }),
        el('span', { class: 'outcome-words', text: r.words })),
      el('td', { class: 'sender-via mono', text: r.via ?? '—' }),
      el('td', { class: 'sender-reason', text: sentence(hostText(r.reason)) })));
  }
  return rows.length > 0;
}

// ---- Blocklists that could not answer, one line per cause ----------------------------------------

// The part of a blocklist item's `reason` that names the cause: "this blocklist refused to
// answer through your resolver; result unknown (127.255.255.254: …)" -> the words before
// "; result unknown" and without the codes in parentheses.
function causeOf(reason) {
  const t = text(reason).split(/;\s*result unknown/i)[0].replace(/\s*\([^)]*\)/g, '').trim();
  return t || 'no usable answer';
}

// [pattern, words for several lists, words for one].
const CAUSE_WORDS = [
  [/refused to answer through your resolver/i, 'could not be asked through your resolver'],
  [/refused to answer/i, 'refused to answer'],
  [/did not answer in time|timed? ?out/i, 'did not answer in time'],
  [/SERVFAIL/i, 'could not be reached by your resolver (SERVFAIL)'],
  [/resolver refused/i, 'were refused by your resolver', 'was refused by your resolver'],
  [/rewrote/i, 'had their answers rewritten by your resolver', 'had its answer rewritten by your resolver'],
  [/127\.0\.0\.1|not a listing/i, 'answered with a code that is not a listing'],
  [/DNSSEC/i, 'gave answers that failed DNSSEC validation', 'gave an answer that failed DNSSEC validation'],
  [/too many/i, 'were not asked: too many queries for one check', 'was not asked: too many queries for one check'],
];

function causeWords(cause, one) {
  for (const [re, many, single] of CAUSE_WORDS) if (re.test(cause)) return one ? single ?? many : many;
  return `could not answer (${cause})`;
}

// [{cause, words, lists: [names], addresses: n, line}] over every address and MX host name.
export function blocklistCauses(report) {
  const byCause = new Map();
  const add = (item, where) => {
    if (!isObject(item) || item.status === 'listed' || item.status === 'not_listed' || typeof item.status !== 'string') return;
    const cause = causeOf(item.reason);
    const entry = byCause.get(cause) ?? { cause, lists: new Set(), where: new Set() };
    entry.lists.add(text(item.list) || text(item.zone));
    entry.where.add(where);
    byCause.set(cause, entry);
  };
  for (const r of list(report?.mx_records)) {
    for (const a of list(r.addresses)) for (const item of list(a.blocklists)) add(item, a.ip);
    for (const item of list(r.domain_blocklists)) add(item, r.host);
  }
  return [...byCause.values()].map((e) => {
    const lists = [...e.lists];
    const names = lists.length > 3 ? `${lists.slice(0, 3).join(', ')}, …` : lists.join(', ');
    const one = lists.length === 1;
    const words = causeWords(e.cause, one);
    const line = `${plural(lists.length, 'blocklist')} ${words}: ${names}; ${one ? 'result' : 'results'} unknown`;
    return { cause: e.cause, words, lists, addresses: e.where.size, line };
  });
}
