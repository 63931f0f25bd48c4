// The checks beside the SMTP probe, in plain words: reverse DNS (PTR) and DNS blocklists per
// address, DANE and domain blocklists per MX host, and the domain's mail policies (SPF, DMARC,
// MTA-STS, TLS-RPT). Words first (plain functions, also used by the copied summary), then
// the elements: compact in the popup, with every detail on the report page.
//
// A result that could not be had ("unknown": a timeout, a list that refused to answer) is
// shown grey with a question mark and the reason. It is never shown as good.
import {
  clear, el, hostText, isCompactPage as compact, plural, rfcReferences, sentence, shortenDnsNames,
} from './util.js';

// Tones as for the probes (ok | warn | bad | neutral), plus unknown: neutral with a "?".
const GLYPH = Object.freeze({ ok: '✓', warn: '!', bad: '✕', neutral: '–', unknown: '?' });

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const text = (v) => (v === null || v === undefined ? '' : String(v));
const list = (v) => (Array.isArray(v) ? v : []);
const withReason = (words, reason) => (text(reason) ? `${words}: ${hostText(reason, { compact: compact() }).replace(/\.$/, '')}` : words);

function glyph(tone) {
  return el('span', { class: 'status-glyph', 'aria-hidden': 'true', text: GLYPH[tone] ?? GLYPH.neutral });
}

// A line "✓ LABEL words" with data-status (the host's status) and data-tone (the colour).
function checkLine(tag, cls, status, tone, ...content) {
  return el(tag, { class: `check-line ${cls}`, 'data-status': status, 'data-tone': tone === 'unknown' ? 'neutral' : tone },
    glyph(tone), el('span', { class: 'check-text' }, ...content));
}

// ---- Reverse DNS (PTR) ----------------------------------------------------------------------

// {tone, name, words}: "PTR mx1.smtp.test — confirmed", "PTR — none: ...".
export function ptrWords(ptr) {
  const names = list(ptr?.names).map(text);
  const name = names[0] ?? null;
  switch (ptr?.status) {
    case 'ok': return { tone: 'ok', name, words: 'confirmed' };
    case 'mismatch': return { tone: 'warn', name, words: 'differs from the MX name' };
    case 'unconfirmed': return { tone: 'warn', name, words: 'does not resolve back to this address' };
    case 'none': return { tone: 'warn', name: null, words: 'none: this address has no reverse DNS name' };
    case 'unknown': return { tone: 'unknown', name: null, words: withReason('could not check', ptr.error) };
    default: return { tone: 'neutral', name, words: text(ptr?.status) || 'no answer' };
  }
}

export function ptrText(ptr) {
  const w = ptrWords(ptr);
  return `PTR ${w.name ? `${w.name} — ` : ''}${w.words}`;
}

function renderPtr(ptr) {
  const w = ptrWords(ptr);
  const names = list(ptr.names).map(text);
  const line = checkLine('p', 'ptr', text(ptr.status), w.tone,
    el('span', { class: 'check-label', text: 'PTR' }), ' ',
    w.name ? el('span', { class: 'ptr-name', title: w.name, text: compact() ? shortenDnsNames(w.name) : w.name }) : null,
    w.name && names.length > 1 ? el('span', { class: 'check-more', title: names.join(', '), text: ` +${names.length - 1}` }) : null,
    w.name ? ' — ' : null,
    el('span', { class: 'check-words', text: w.words }));
  if (!compact()) {
    const notes = [];
    if (names.length > 1) notes.push(`All names: ${names.join(', ')}.`);
    if (ptr.status === 'mismatch' || ptr.status === 'unconfirmed' || ptr.status === 'none') {
      notes.push('Spam filters check the reverse DNS of servers that send mail: this matters for mail this server sends.');
    }
    if (notes.length) line.append(el('span', { class: 'check-note', text: notes.join(' ') }));
  }
  return line;
}

// ---- DNS blocklists ---------------------------------------------------------------------------

const blocklistItems = (items) => list(items).filter((i) => isObject(i) && typeof i.status === 'string');

export function blocklistCounts(items) {
  const all = blocklistItems(items);
  const listed = all.filter((i) => i.status === 'listed');
  const notListed = all.filter((i) => i.status === 'not_listed');
  // Anything else (unknown, or a status a later host adds) is not an answer.
  const unknown = all.filter((i) => i.status !== 'listed' && i.status !== 'not_listed');
  return { all, listed, notListed, unknown };
}

// "SBL: Spamhaus SBL Data" (or the return codes when the list's codes are not known); `short`:
// "SBL", for the popup's one line.
function listingDetail(item, { short = false } = {}) {
  const meanings = list(item.meanings).map(text).filter(Boolean);
  if (!meanings.length) return list(item.codes).map(text).join(', ');
  if (!short) return meanings.join('; ');
  return meanings.map((m) => /^([^:]{1,20}):/.exec(m)?.[1] ?? (m.length > 40 ? `${m.slice(0, 39)}…` : m)).join(', ');
}

const listName = (item) => text(item.list) || text(item.zone);

// {tone, words}: "Not listed on 7 blocklists", "Listed on Spamhaus ZEN (SBL: …)",
// "Not listed on 6 blocklists; 1 could not answer (PSBL)". `domain`: the domain lists of an
// MX host name.
export function blocklistSummary(items, { domain = false, short = false } = {}) {
  const { all, listed, notListed, unknown } = blocklistCounts(items);
  const noun = domain ? 'domain blocklist' : 'blocklist';
  const names = (group) => (group.length <= 2 ? ` (${group.map(listName).join(', ')})` : '');
  const unknownShort = `${unknown.length} could not answer${names(unknown)}`;
  if (listed.length) {
    const what = listed.map((i) => { const d = listingDetail(i, { short }); return `${listName(i)}${d ? ` (${d})` : ''}`; }).join('; ');
    return { tone: 'bad', words: `${domain ? 'Host name listed' : 'Listed'} on ${what}${unknown.length ? `; ${unknownShort}` : ''}` };
  }
  if (unknown.length) {
    return {
      tone: 'unknown',
      words: notListed.length
        ? `Not listed on ${plural(notListed.length, noun)}; ${unknownShort}`
        : `${plural(unknown.length, noun)} could not answer${names(unknown)}`,
    };
  }
  if (!all.length) return { tone: 'neutral', words: `No ${noun}s checked` };
  const which = all.length <= 2 ? all.map(listName).join(' or ') : plural(all.length, noun);
  return { tone: 'ok', words: `${domain ? 'Host name not listed' : 'Not listed'} on ${which}` };
}

const LIST_STATUS = Object.freeze({
  listed: { tone: 'bad', words: 'listed' },
  not_listed: { tone: 'ok', words: 'not listed' },
});

function renderBlocklistRow(item) {
  const s = LIST_STATUS[item.status] ?? { tone: 'unknown', words: 'could not answer' };
  const detail = item.status === 'listed' ? listingDetail(item) : item.status === 'not_listed' ? '' : text(item.reason);
  return el('li', { class: 'blocklist', 'data-zone': text(item.zone), 'data-status': item.status, 'data-tone': s.tone === 'unknown' ? 'neutral' : s.tone },
    glyph(s.tone),
    el('span', { class: 'blocklist-name', title: text(item.zone), text: listName(item) }),
    el('span', { class: 'blocklist-status', text: s.words }),
    detail ? el('span', { class: 'blocklist-detail', text: detail }) : null);
}

// The popup: one line, opened to the lists on a click (details/summary). The report page:
// the line and every list below it.
function renderBlocklists(items, { domain = false } = {}) {
  const { all, listed, unknown } = blocklistCounts(items);
  const s = blocklistSummary(all, { domain, short: compact() });
  const attrs = {
    class: domain ? 'domain-blocklists' : 'blocklists',
    'data-listed': listed.length,
    'data-unknown': unknown.length,
    'data-checked': all.length,
    'data-tone': s.tone === 'unknown' ? 'neutral' : s.tone,
  };
  const rows = el('ul', { class: 'blocklist-list', 'aria-label': domain ? 'Domain blocklists' : 'Blocklists' }, all.map(renderBlocklistRow));
  const head = [glyph(s.tone), el('span', { class: 'check-text blocklists-words', text: s.words })];
  if (compact()) {
    return el('details', attrs, el('summary', { class: 'check-line blocklists-summary' }, ...head), rows);
  }
  return el('div', attrs, el('p', { class: 'check-line blocklists-summary' }, ...head), rows);
}

// ---- DANE -----------------------------------------------------------------------------------

const tlsaText = (t) => `TLSA ${text(t?.usage)} ${text(t?.selector)} ${text(t?.matching_type)}`;

// {tone, words} for the DANE line of an MX host.
export function daneWords(dane) {
  const records = list(dane?.tlsa).filter(isObject);
  switch (dane?.status) {
    case 'match': {
      const m = isObject(dane.matched) ? dane.matched : records[0];
      return { tone: 'ok', words: `${m ? tlsaText(m) : 'TLSA'} matches the certificate` };
    }
    case 'mismatch':
      return { tone: 'bad', words: `${records.length > 1 ? `none of the ${records.length} TLSA records matches` : 'the TLSA record does not match'} the certificate: mail from DANE senders will bounce` };
    case 'insecure': return { tone: 'warn', words: 'TLSA published but not DNSSEC-signed: ignored by senders' };
    case 'unusable': return { tone: 'warn', words: 'TLSA published, but not usable for mail (only usages 2 and 3 are): ignored by senders' };
    case 'not_checked': return { tone: 'neutral', words: 'TLSA published, but not checked: no TLS handshake on port 25' };
    case 'unknown': return { tone: 'unknown', words: withReason('the TLSA records could not be looked up', dane.error) };
    case 'none': return { tone: 'neutral', words: 'No DANE (TLSA) records' };
    default: return { tone: 'neutral', words: text(dane?.status) };
  }
}

export function daneText(dane) {
  const w = daneWords(dane);
  return dane?.status === 'none' ? w.words : `DANE: ${w.words}`;
}

function renderDane(dane) {
  const w = daneWords(dane);
  const line = checkLine('div', 'dane', text(dane.status), w.tone,
    dane.status === 'none' ? null : el('span', { class: 'check-label', text: 'DANE' }),
    dane.status === 'none' ? null : ' ',
    el('span', { class: 'check-words', text: w.words }));
  const records = list(dane.tlsa).filter(isObject);
  if (!compact() && records.length) {
    const matched = isObject(dane.matched) ? dane.matched : null;
    const same = (t) => matched && ['usage', 'selector', 'matching_type', 'data'].every((k) => text(t[k]) === text(matched[k]));
    line.append(el('ul', { class: 'dane-records', 'aria-label': 'TLSA records' }, records.map((t) => el('li', { class: 'dane-record' },
      el('span', { class: 'tlsa-params', text: `${text(t.usage)} ${text(t.selector)} ${text(t.matching_type)}` }),
      el('span', { class: 'tlsa-data', title: text(t.data), text: text(t.data) }),
      same(t) ? el('span', { class: 'tlsa-tag', 'data-tone': 'ok', text: 'matches' }) : null,
      t.usable === false ? el('span', { class: 'tlsa-tag', 'data-tone': 'warn', text: 'not usable for mail' }) : null))));
  }
  return line;
}

// ---- Elements in the MX list ------------------------------------------------------------------

// Draws (or redraws) the PTR and blocklist lines of one address (li.address): from the
// report, or from a progress message with part of it.
export function renderAddressChecks(address, info) {
  if (!isObject(info)) return;
  const hasPtr = isObject(info.ptr) && typeof info.ptr.status === 'string';
  const hasLists = Array.isArray(info.blocklists);
  if (!hasPtr && !hasLists) return;
  let box = address.querySelector(':scope > .address-checks');
  if (!box) {
    box = el('div', { class: 'address-checks' });
    address.insertBefore(box, address.querySelector(':scope > .probes'));
  }
  if (hasPtr) {
    const line = renderPtr(info.ptr);
    const old = box.querySelector(':scope > .ptr');
    if (old) old.replaceWith(line); else box.prepend(line);
  }
  if (hasLists) {
    box.querySelector(':scope > .blocklists')?.remove();
    // No lists asked for (the options say none): nothing to say in the popup.
    if (blocklistItems(info.blocklists).length || !compact()) box.append(renderBlocklists(info.blocklists));
  }
}

// The lines of one MX host (li.mx) about the host itself: DANE and the domain blocklists.
export function renderMxChecks(item, record) {
  if (!isObject(record)) return;
  const lines = [];
  if (isObject(record.dane) && typeof record.dane.status === 'string' && (record.dane.status !== 'none' || !compact())) {
    lines.push(renderDane(record.dane));
  }
  if (Array.isArray(record.domain_blocklists)) {
    const { all, listed, unknown } = blocklistCounts(record.domain_blocklists);
    // The popup names the domain lists only when there is something to say.
    if (all.length && (!compact() || listed.length || unknown.length)) lines.push(renderBlocklists(all, { domain: true }));
  }
  item.querySelector(':scope > .mx-checks')?.remove();
  if (!lines.length) return;
  item.insertBefore(el('div', { class: 'mx-checks' }, lines), item.querySelector(':scope > .mx-ips'));
}

// ---- Mail policies ----------------------------------------------------------------------------

const addressOf = (uri) => text(uri).replace(/^mailto:/i, '');
const joinAll = (items) => items.map(addressOf).join(', ');

function spfRow(spf) {
  const records = list(spf.records).map(text);
  const row = { policy: 'spf', name: 'SPF', title: 'Who may send mail as this domain', rfc: 'RFC 7208', facts: [] };
  if (spf.record) row.facts.push(['Record', text(spf.record)]);
  else if (records.length) row.facts.push([records.length > 1 ? 'Records' : 'Record', records]);
  switch (spf.status) {
    case 'ok':
      switch (spf.all) {
        case '-all': return { ...row, tone: 'ok', words: 'Ends in -all: mail from servers it does not list should be rejected.' };
        case '~all': return { ...row, tone: 'ok', words: 'Ends in ~all (soft fail): mail from servers it does not list is marked suspicious, not rejected.' };
        case '?all': return { ...row, tone: 'warn', words: 'Ends in ?all (neutral): it says nothing about servers it does not list.' };
        case '+all': return { ...row, tone: 'bad', words: '+all lets anyone send as this domain: every server on the internet passes.' };
        default:
          if (spf.redirect) return { ...row, tone: 'ok', words: `Uses the SPF record of ${text(spf.redirect)} (redirect).` };
          return { ...row, tone: 'warn', words: 'No “all” at the end: servers it does not list get a neutral result.' };
      }
    case 'none': return { ...row, tone: 'warn', words: 'No SPF record: receivers cannot tell which servers may send as this domain.' };
    case 'multiple': return { ...row, tone: 'bad', words: `${records.length || 'Several'} SPF records: receivers treat that as an error, so SPF fails for all mail.` };
    case 'invalid': return { ...row, tone: 'bad', words: sentence(withReason('the SPF record is invalid', spf.error)) };
    case 'unknown': return { ...row, tone: 'unknown', words: sentence(withReason('could not be looked up', spf.error)) };
    default: return { ...row, tone: 'neutral', words: sentence(text(spf.status)) };
  }
}

const DMARC_POLICY = Object.freeze({
  reject: { tone: 'ok', words: 'Policy reject: mail that fails SPF and DKIM should be refused.' },
  quarantine: { tone: 'ok', words: 'Policy quarantine: mail that fails SPF and DKIM should go to spam.' },
  none: { tone: 'warn', words: 'Policy none: monitoring only; mail that fails SPF and DKIM is delivered anyway.' },
});

function dmarcRow(dmarc) {
  const row = { policy: 'dmarc', name: 'DMARC', title: 'What receivers do with mail that fails SPF and DKIM', rfc: 'RFC 7489', facts: [] };
  if (dmarc.record) row.facts.push(['Record', text(dmarc.record)]);
  switch (dmarc.status) {
    case 'ok': {
      const p = DMARC_POLICY[dmarc.policy] ?? { tone: 'neutral', words: `Policy ${text(dmarc.policy) || 'not given'}.` };
      const extra = [];
      if (typeof dmarc.pct === 'number' && dmarc.pct < 100) extra.push(`It applies to ${dmarc.pct}% of that mail.`);
      if (dmarc.subdomain_policy && dmarc.subdomain_policy !== dmarc.policy) extra.push(`Subdomains: ${text(dmarc.subdomain_policy)}.`);
      const rua = list(dmarc.rua);
      extra.push(rua.length ? `Reports go to ${joinAll(rua)}.` : 'No one gets reports (no rua).');
      return { ...row, tone: p.tone, words: [p.words, ...extra].join(' ') };
    }
    case 'none': return { ...row, tone: 'warn', words: 'No DMARC record: receivers get no instructions for mail that fails SPF and DKIM, and no one gets reports.' };
    case 'multiple': return { ...row, tone: 'bad', words: 'Several DMARC records: receivers ignore DMARC for this domain.' };
    case 'invalid': return { ...row, tone: 'bad', words: sentence(withReason('the DMARC record is invalid', dmarc.error)) };
    case 'unknown': return { ...row, tone: 'unknown', words: sentence(withReason('could not be looked up', dmarc.error)) };
    default: return { ...row, tone: 'neutral', words: sentence(text(dmarc.status)) };
  }
}

function days(seconds) {
  if (typeof seconds !== 'number') return '';
  const d = seconds / 86400;
  return Number.isInteger(d) ? plural(d, 'day') : plural(seconds, 'second');
}

// A policy senders cannot get or use (RFC 8461 §5): they deliver as without one.
const LOST = ' Senders without a cached policy deliver as if there were none: the protection is lost, not the mail.';

function mtaStsRow(sts) {
  const row = { policy: 'mta_sts', name: 'MTA-STS', title: 'Whether senders must use TLS with a valid certificate', rfc: 'RFC 8461', facts: [] };
  const txt = isObject(sts.txt) ? sts.txt : null;
  const policy = isObject(sts.policy) ? sts.policy : null;
  const coverage = list(sts.mx_coverage).filter(isObject);
  if (txt?.record) row.facts.push(['TXT record', text(txt.record)]);
  if (policy?.url) row.facts.push(['Policy', text(policy.url)]);
  if (policy?.mode) row.facts.push(['Mode', text(policy.mode)]);
  if (list(policy?.mx).length) row.facts.push(['MX patterns', list(policy.mx).map(text)]);
  if (typeof policy?.max_age === 'number') row.facts.push(['Cached by senders for', days(policy.max_age)]);
  if (coverage.length) {
    row.facts.push(['MX hosts', coverage.map((c) => `${c.covered ? '✓' : '✕'} ${text(c.host)}${c.pattern ? ` (${text(c.pattern)})` : c.covered ? '' : ': matches no pattern'}${c.certificate_ok === false ? ', its certificate does not pass the check (expired, untrusted or for another name)' : ''}`)]);
  }
  if (policy?.text) row.policyText = text(policy.text);
  const mode = policy?.mode;
  // The most specific reason: the fetch's for a policy problem, the TXT record's for its own.
  const reason = (sts.status === 'policy_only' ? '' : text(policy?.error)) || text(sts.error) || text(txt?.error);
  const badCerts = coverage.filter((c) => c.certificate_ok === false).map((c) => text(c.host));
  const uncovered = coverage.filter((c) => c.covered === false).map((c) => text(c.host));
  switch (sts.status) {
    case 'ok': {
      if (mode === 'none') return { ...row, tone: 'neutral', words: 'Mode none: the policy is being withdrawn; senders stop insisting on TLS.' };
      const covered = 'Every MX is covered.';
      if (mode === 'testing') {
        return { ...row, tone: 'neutral', words: `Testing: senders report TLS problems but deliver anyway. ${covered}` };
      }
      const words = `Enforce: senders must use TLS with a valid certificate. ${covered}`;
      if (badCerts.length) {
        return { ...row, tone: 'bad', words: `${words} But the certificate of ${badCerts.join(', ')} is not valid (expired, untrusted or for another name), so those senders will not deliver there.` };
      }
      return { ...row, tone: 'ok', words };
    }
    case 'none': return { ...row, tone: 'neutral', words: 'Not published: senders use TLS when it is offered, but do not insist on it.' };
    case 'txt_only': return { ...row, tone: 'warn', words: sentence(withReason('the _mta-sts TXT record announces a policy, but it could not be fetched', reason)) + LOST };
    case 'policy_only': return { ...row, tone: 'warn', words: 'A policy is served, but the _mta-sts TXT record is missing, so senders never fetch it.' };
    case 'unreachable': return { ...row, tone: 'warn', words: sentence(withReason('the policy host could not be reached', reason)) + LOST };
    case 'bad_certificate': return { ...row, tone: 'warn', words: sentence(withReason('the policy host\'s certificate is not valid, so senders cannot fetch the policy', reason)) + LOST };
    case 'invalid': return { ...row, tone: 'warn', words: sentence(withReason('the policy is invalid', reason)) + LOST };
    case 'mx_not_covered': {
      const who = uncovered.length ? `${uncovered.join(', ')} ${uncovered.length === 1 ? 'matches' : 'match'} no mx line of the policy` : 'not every MX matches the policy';
      return mode === 'enforce'
        ? { ...row, tone: 'bad', words: sentence(`${who}: senders that enforce it will not deliver there`) }
        : { ...row, tone: 'warn', words: sentence(`${who} (mode ${text(mode) || 'unknown'}): it would fail once the policy is enforced`) };
    }
    case 'unknown': return { ...row, tone: 'unknown', words: sentence(withReason('could not be checked', reason)) };
    default: return { ...row, tone: 'neutral', words: sentence(text(sts.status)) };
  }
}

function tlsRptRow(rpt) {
  const row = { policy: 'tls_rpt', name: 'TLS-RPT', title: 'Where senders report TLS problems', rfc: 'RFC 8460', facts: [] };
  if (rpt.record) row.facts.push(['Record', text(rpt.record)]);
  switch (rpt.status) {
    case 'ok': {
      const rua = list(rpt.rua);
      return { ...row, tone: 'ok', words: rua.length ? `Reports of TLS problems go to ${joinAll(rua)}.` : 'Published.' };
    }
    case 'none': return { ...row, tone: 'neutral', words: 'Not published: no one hears when senders cannot use TLS.' };
    case 'multiple': return { ...row, tone: 'warn', words: 'Several TLS-RPT records: senders ignore them.' };
    case 'invalid': return { ...row, tone: 'warn', words: sentence(withReason('the TLS-RPT record is invalid', rpt.error)) };
    case 'unknown': return { ...row, tone: 'unknown', words: sentence(withReason('could not be looked up', rpt.error)) };
    default: return { ...row, tone: 'neutral', words: sentence(text(rpt.status)) };
  }
}

const POLICIES = Object.freeze([['spf', spfRow], ['dmarc', dmarcRow], ['mta_sts', mtaStsRow], ['tls_rpt', tlsRptRow]]);

// One row per policy the source has (a report, or the policies of a progress message); none
// from a host that does not check them.
export function policyRows(source) {
  if (!isObject(source)) return [];
  return POLICIES.filter(([key]) => isObject(source[key]) && typeof source[key].status === 'string')
    .map(([key, row]) => ({ status: source[key].status, ...row(source[key]) }));
}

function renderPolicy(row) {
  const ref = rfcReferences(row.rfc)[0];
  const item = el('li', { class: 'policy', 'data-policy': row.policy, 'data-status': row.status, 'data-tone': row.tone === 'unknown' ? 'neutral' : row.tone },
    glyph(row.tone),
    el('span', { class: 'policy-name', title: row.title, text: row.name }));
  const body = el('div', { class: 'policy-body' }, el('p', { class: 'policy-words', text: row.words }));
  if (!compact()) {
    if (row.facts.length) {
      body.append(el('dl', { class: 'policy-facts' }, row.facts.flatMap(([label, value]) => [
        el('dt', { text: label }),
        Array.isArray(value) ? el('dd', {}, value.map((v) => el('span', { class: 'fact-item', text: v }))) : el('dd', { text: value }),
      ])));
    }
    if (row.policyText) {
      body.append(el('details', { class: 'policy-text' }, el('summary', { text: 'The policy file' }), el('pre', { text: row.policyText })));
    }
  }
  item.append(body);
  if (ref) {
    item.append(el('span', { class: 'policy-link' },
      compact() ? null : el('span', { class: 'learn-more-label', text: 'Learn more: ' }),
      el('a', {
        class: 'learn-more', href: ref.url, target: '_blank', rel: 'noopener noreferrer',
        'aria-label': `Learn more about ${row.name}: ${ref.label}`, text: ref.label,
      })));
  }
  return item;
}

// Fills the "Mail policies" card (#policies); hidden when the source has none of them.
export function renderPolicies(section, source) {
  if (!section) return;
  const target = section.querySelector('.policy-list') ?? section;
  const rows = policyRows(source);
  clear(target);
  section.hidden = rows.length === 0;
  target.append(...rows.map(renderPolicy));
}

export function hidePolicies(section) {
  if (!section) return;
  clear(section.querySelector('.policy-list') ?? section);
  section.hidden = true;
}
