// Rendering of reports, shared by the popup and the report page.
//
// Everything that comes from the host (and so from DNS and from mail servers: hostile
// text) is put into the page with textContent or as attribute values of elements built with
// document.createElement. Nothing here parses HTML.
import { toUnicode } from './idn.js';
import { clear, el, hostText, plural, rfcReferences, sentence } from './util.js';
import { renderAddressChecks, renderMxChecks } from './checks.js';
import {
  DIMENSIONS, DIMENSION_STATUS, OTHER_GROUPS, blocklistCauses, hasAssessment, headlineText,
} from './assessment.js';

export { clear, el, hostText, plural, rfcReferences, sentence };

function compact() {
  return document.body.classList.contains('popup');
}

// ---- Verdicts -------------------------------------------------------------------------------

export const VERDICTS = Object.freeze({
  checking: { icon: '…', label: 'Checking' },
  healthy: { icon: '✓', label: 'Healthy' },
  needs_attention: { icon: '!', label: 'Needs attention' },
  broken: { icon: '✕', label: 'Broken' },
  could_not_check: { icon: '?', label: 'Could not check' },
  error: { icon: '!', label: 'Could not run the check' },
  cancelled: { icon: '–', label: 'Cancelled' },
});

// Fills the #verdict banner: data-verdict, icon glyph, words, domain, one sentence (the
// headline), and optionally an element under it (a link to the options).
export function renderVerdict(node, { verdict, domain = '', summary = '', kind = null, extra = null }) {
  const v = VERDICTS[verdict] ?? { icon: '?', label: String(verdict) };
  node.hidden = false;
  node.dataset.verdict = verdict;
  if (kind) node.dataset.headline = kind; else delete node.dataset.headline;
  node.querySelector('.verdict-icon').textContent = v.icon;
  node.querySelector('.verdict-label').textContent = v.label;
  node.querySelector('#domain').textContent = domain;
  node.querySelector('.verdict-summary').textContent = summary;
  const action = node.querySelector('.verdict-action');
  if (action) {
    clear(action);
    if (extra) action.append(extra);
    action.hidden = !extra;
  }
}

function mailHosts(report) {
  return (report.mx_records ?? []).filter((r) => r.host !== '.');
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 };

export function sortFindings(findings) {
  return [...(findings ?? [])].sort((a, b) => (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3));
}

// One sentence under the verdict: the headline of the assessment, or (from an older host)
// what a reader most needs to know.
export function verdictSummary(report) {
  if (hasAssessment(report)) return headlineText(report, { compact: compact() });
  if (report.verdict === 'could_not_check') {
    return sentence(hostText(report.error?.message ?? 'The DNS lookup failed, so nothing can be said about the domain'));
  }
  if (report.verdict === 'needs_attention' || report.verdict === 'broken') {
    // The domain's own problems first: one about the user's network (network.*) is the
    // headline only when there is nothing else.
    const problems = sortFindings(report.findings).filter((f) => f.severity === 'error' || f.severity === 'warning');
    const top = problems.find((f) => !f.code.startsWith('network.')) ?? problems[0];
    if (top) return hostText(top.message, { compact: compact() });
  }
  const n = mailHosts(report).length;
  const servers = plural(n, 'mail server');
  if (n === 0) return 'No mail servers.';
  if (!report.smtp_probe_enabled) return `${servers}; DNS checks only, no server was contacted.`;
  if (report.all_tls_ok === true) return `${servers}; mail is delivered with TLS.`;
  if (report.all_tls_ok === null) return `${servers}; none could be probed from here.`;
  return `${servers}.`;
}

// ---- Ports: one order everywhere (25, 587, 465, then others) ---------------------------------

const PORT_ORDER = [25, 587, 465];

export function portRank(port) {
  const n = Number(port);
  const i = PORT_ORDER.indexOf(n);
  return i >= 0 ? i : PORT_ORDER.length + n;
}

export function sortPorts(ports) {
  return [...ports].sort((a, b) => portRank(a) - portRank(b));
}

// ---- Probe statuses (docs/report.md, "Probe status") ----------------------------------------

// tone: ok | warn | bad | neutral. On the submission ports a refusal or silence is normal for
// a host that only receives mail, and other failures are warnings, not errors. `short`: the
// word of an MX line in the popup.
const STATUS = Object.freeze({
  ok: { words: 'Encrypted', relay: 'ok', submission: 'ok' },
  no_starttls: { words: 'No STARTTLS: mail travels unencrypted', short: 'Accepts mail unencrypted', relay: 'bad', submission: 'warn', submissionWords: 'No STARTTLS: passwords and mail travel unencrypted' },
  tls_failed: { words: 'TLS handshake failed', short: 'TLS fails', relay: 'bad', submission: 'warn' },
  greeting_rejected: { words: 'Refuses to talk to us (5xx greeting)', short: 'Refuses to talk to us', relay: 'bad', submission: 'warn' },
  deferred: { words: 'Asks to come back later (4xx)', short: 'Asks to come back later', relay: 'warn', submission: 'warn' },
  greeting_timeout: { words: 'Connected, but no greeting in time', short: 'No greeting in time', relay: 'bad', submission: 'warn' },
  connect_timeout: { words: 'No answer to the connection (timed out)', short: 'Does not answer', relay: 'bad', submission: 'neutral' },
  refused: { words: 'Connection refused', short: 'Refuses connections', relay: 'bad', submission: 'neutral', submissionWords: 'Not offered here (connection refused)' },
  reset: { words: 'Connection reset during the conversation', short: 'Drops the connection', relay: 'bad', submission: 'warn' },
  protocol_error: { words: 'Does not speak SMTP properly', short: 'Does not speak SMTP', relay: 'bad', submission: 'warn' },
  timeout: { words: 'Stopped answering after the greeting', short: 'Stops answering', relay: 'bad', submission: 'warn' },
  unreachable: { words: 'No route to it from this computer', short: 'No route from here', relay: 'neutral', submission: 'neutral' },
  skipped: { words: 'Not probed', short: 'Not probed', relay: 'neutral', submission: 'neutral' },
});

const TONE_GLYPH = Object.freeze({ ok: '✓', warn: '!', bad: '✕', neutral: '–' });

// "TLSv1.3" -> "TLS 1.3", "TLSv1" -> "TLS 1.0"
export function tlsVersionText(version) {
  const m = /^TLSv?(\d)(?:\.(\d))?$/i.exec(String(version ?? ''));
  return m ? `TLS ${m[1]}.${m[2] ?? '0'}` : String(version ?? 'TLS');
}

// What is wrong with the certificate of a TLS session, in words ("expired 1,069 days ago, not
// valid for this name"); null when nothing is.
// `short`: for the popup's MX line ("certificate expired").
export function certificateProblem(tls, { short = false } = {}) {
  if (!tls) return null;
  const problems = [];
  const days = tls.certificate?.days_left;
  const expired = typeof days === 'number' && days < 0;
  if (expired) problems.push(short ? 'expired' : `expired ${plural(-days, 'day')} ago`);
  if (tls.hostname_match === false) problems.push(short ? 'for another name' : 'not valid for this name');
  if (tls.chain_verified === false && !(expired && /expired/i.test(String(tls.verify_error ?? '')))) {
    problems.push(short || !tls.verify_error ? 'not trusted' : `not trusted (${tls.verify_error})`);
  }
  return problems.length ? `certificate ${problems.join(', ')}` : null;
}

// {words, tone, short} of one probe. A probe that encrypted says so and says what is wrong with
// its certificate in the same words, so a row never reads "ok" next to a certificate problem.
export function probeStatus(probe) {
  const s = STATUS[probe.status];
  const submission = probe.probe_kind === 'submission' || probe.probe_kind === 'smtps';
  if (!s) return { words: String(probe.status), tone: 'neutral', short: String(probe.status) };
  if (probe.status === 'ok') {
    const problem = certificateProblem(probe.tls);
    const dane = probe.dane && probe.dane.verified === false ? 'does not match its DANE (TLSA) record' : null;
    const extra = [problem, dane].filter(Boolean).join('; ');
    const short = [certificateProblem(probe.tls, { short: true }), dane && 'DANE mismatch'].filter(Boolean).join('; ');
    return {
      words: `Encrypted (${tlsVersionText(probe.tls?.version)})${extra ? `; ${extra}` : ''}`,
      tone: extra ? 'warn' : 'ok',
      short: short || 'encrypted',
    };
  }
  return {
    words: (submission && s.submissionWords) || s.words,
    tone: submission ? s.submission : s.relay,
    short: s.short ?? s.words,
  };
}

const KIND_LABEL = Object.freeze({ relay: 'SMTP', submission: 'Submission', smtps: 'SMTPS' });

// "CN=R11,O=Let's Encrypt,C=US" -> "R11 (Let's Encrypt)"
export function shortIssuer(dn) {
  const parts = {};
  for (const rdn of String(dn ?? '').split(/,(?=\s*[A-Za-z][A-Za-z0-9.-]*=)/)) {
    const eq = rdn.indexOf('=');
    if (eq > 0) parts[rdn.slice(0, eq).trim().toUpperCase()] ??= rdn.slice(eq + 1).trim().replace(/\\(.)/g, '$1');
  }
  if (parts.CN && parts.O && parts.O !== parts.CN) return `${parts.CN} (${parts.O})`;
  return parts.CN ?? parts.O ?? String(dn ?? '');
}

export function certDays(days, notAfter = null) {
  if (days < 0) {
    const date = /^\d{4}-\d\d-\d\d/.exec(String(notAfter ?? ''))?.[0];
    return { text: date ? `expired on ${date}` : `expired ${plural(-days, 'day')} ago`, level: 'expired' };
  }
  if (days === 0) return { text: 'expires today', level: 'expired' };
  const text = `${plural(days, 'day')} left`;
  if (days <= 14) return { text, level: 'critical' };
  if (days <= 30) return { text, level: 'soon' };
  return { text, level: 'fine' };
}

function renderProbe(probe) {
  const status = probeStatus(probe);
  const kind = KIND_LABEL[probe.probe_kind] ?? 'SMTP';
  const row = el('li', {
    class: 'probe',
    'data-ip': probe.ip,
    'data-port': probe.port,
    'data-status': probe.status,
    'data-tone': status.tone,
  });
  row.append(
    el('span', { class: 'port-number', title: `${kind} on port ${probe.port}`, text: probe.port }),
    el('span', { class: 'port-kind', text: kind }),
    el('span', { class: 'probe-main' },
      el('span', { class: 'status-glyph', 'aria-hidden': 'true', text: TONE_GLYPH[status.tone] }),
      el('span', { class: 'probe-status', text: status.words })),
  );
  const tls = probe.tls;
  const details = el('span', { class: 'probe-details' });
  if (tls) {
    // The version is in the status words; the details say who issued the certificate and
    // how long it lasts (and, on the report page, the cipher).
    if (!compact()) {
      details.append(el('span', { class: 'tls-cipher', title: tls.key_exchange ? `Key exchange ${tls.key_exchange}` : null, text: tls.cipher }));
    }
    const cert = tls.certificate;
    if (cert) {
      details.append(el('span', { class: 'cert-issuer', title: `Issuer: ${cert.issuer}`, text: `issued by ${shortIssuer(cert.issuer)}` }));
      const d = certDays(cert.days_left, cert.not_after);
      details.append(el('span', { class: 'cert-days', 'data-level': d.level, title: `Valid until ${cert.not_after}`, text: d.text }));
    }
  }
  if (probe.plaintext_after_starttls) details.append(el('span', { class: 'tls-flag', 'data-level': 'warn', text: 'plaintext injected after STARTTLS' }));
  // Not probed or no route: the status says it; the reason repeats it on every port.
  if (probe.error && !['ok', 'unreachable'].includes(probe.status)) details.append(el('span', { class: 'probe-error', text: sentence(hostText(probe.error, { compact: compact() })) }));
  if (details.childElementCount) row.append(details);
  return row;
}

// The popup is narrow: a details line that says exactly what the line above it says (the
// same certificate on every port, as usual) is folded away visually. It stays in the page
// for screen readers and for copying.
function foldRepeatedDetails(probes) {
  let previous = null;
  for (const row of probes.children) {
    const details = row.querySelector('.probe-details');
    const text = details?.textContent ?? null;
    details?.classList.toggle('repeat', text !== null && text === previous);
    previous = text;
  }
}

// ---- One word for an MX host --------------------------------------------------------------------

// {tone, words}: what senders find at this MX host, from its port-25 probes (or from whatever
// was probed, when port 25 was not).
export function mxStatus(record) {
  if (record.host === '.') return { tone: 'neutral', words: 'Null MX: takes no mail' };
  const ips = Array.isArray(record.ips) ? record.ips : [];
  if (!ips.length) return { tone: 'bad', words: record.error ? 'No address' : 'No address found' };
  const probes = Array.isArray(record.smtp_probes) ? record.smtp_probes : [];
  if (!probes.length) return { tone: 'neutral', words: 'Not probed' };
  const relay = probes.filter((p) => Number(p.port) === 25);
  const set = relay.length ? relay : probes;
  const tried = set.filter((p) => p.status !== 'skipped' && p.status !== 'unreachable');
  if (!tried.length) {
    return set.some((p) => p.status === 'unreachable') ? { tone: 'neutral', words: 'No route from here' } : { tone: 'neutral', words: 'Not probed' };
  }
  const ok = tried.filter((p) => p.status === 'ok');
  const plain = tried.filter((p) => p.status === 'no_starttls');
  const dane = record.dane?.status === 'mismatch' ? 'DANE mismatch' : null;
  if (ok.length === tried.length) {
    const problems = [...new Set(ok.map((p) => probeStatus(p)).filter((s) => s.tone !== 'ok').map((s) => s.short))];
    if (dane && !problems.some((p) => /DANE/.test(p))) problems.push(dane);
    return problems.length
      ? { tone: 'warn', words: `Encrypted; ${problems.join('; ')}` }
      : { tone: 'ok', words: 'Accepts mail encrypted' };
  }
  if (plain.length === tried.length) return { tone: 'bad', words: 'Accepts mail unencrypted' };
  if (ok.length || plain.length) {
    return { tone: 'warn', words: `Accepts mail at ${ok.length + plain.length} of ${plural(tried.length, 'address', 'addresses')}` };
  }
  const worst = tried.find((p) => p.status !== 'deferred') ?? tried[0];
  const s = probeStatus(worst);
  return { tone: s.tone, words: s.short };
}

// ---- Addresses --------------------------------------------------------------------------------

function renderAddress(ip, info) {
  const family = ip.includes(':') ? 'v6' : 'v4';
  const item = el('li', { class: 'address', 'data-ip': ip });
  // A non-public range is said once, in the findings; here only on hovering the address.
  const range = info && info.public === false && info.range ? `Not a public internet address: ${info.range}` : null;
  const head = el('div', { class: 'address-head' },
    el('span', { class: 'ip-family', text: family === 'v6' ? 'IPv6' : 'IPv4' }),
    el('span', { class: 'ip', 'data-family': family, title: range, text: ip }));
  item.append(head, el('ul', { class: 'probes', 'aria-label': `Probes of ${ip}` }));
  // Reverse DNS and blocklists (hosts that check them), between the address and its probes.
  renderAddressChecks(item, info);
  return item;
}

// ---- The MX list ----------------------------------------------------------------------------

// Keeps #mx-list in step with a running check: drawn from the dns progress message, filled
// by the probe messages, and redrawn from the report at the end (which also has the probes
// that never produce a message, such as skipped non-public addresses).
//
// Each MX host is one line (priority, host, what senders find there) that opens in place
// to its addresses, probes and checks: folded in the popup, open on the report page.
export class MxListView {
  constructor(list) {
    this.list = list;
    this.ports = [];
    this.items = new Map(); // ASCII host -> [{item, expected, done}], one per MX record
  }

  reset() {
    clear(this.list);
    this.items.clear();
  }

  #item(record, { pending }) {
    const item = el('li', { class: 'mx', 'data-host': record.host, 'data-state': pending ? 'pending' : 'done' });
    const head = el('summary', { class: 'mx-head' });
    const body = el('div', { class: 'mx-body' });
    item.append(el('details', { class: 'mx-fold', open: !compact() }, head, body));
    if (record.host === '.') {
      head.append(
        el('span', { class: 'mx-priority', title: 'MX priority', text: record.priority }),
        el('span', { class: 'mx-host', text: '.' }),
        el('span', { class: 'mx-tag', text: 'Null MX' }));
      item.dataset.tone = 'neutral';
      body.append(el('p', { class: 'mx-note', text: 'A Null MX: the domain declares that it accepts no mail (RFC 7505).' }));
      return { item, expected: 0, done: 0 };
    }
    head.append(
      el('span', { class: 'mx-priority', title: 'MX priority: senders try lower numbers first', text: record.priority }),
      el('span', { class: 'mx-host', title: record.host, text: record.host }));
    if (record.implicit) head.append(el('span', { class: 'mx-tag', text: 'implicit MX' }));
    if (record.implicit) body.append(el('p', { class: 'mx-note', text: 'No MX records: senders deliver to the domain\'s own address.' }));
    if (record.cname) body.append(el('p', { class: 'mx-note', text: `An alias (CNAME) of ${record.cname}.` }));
    if (record.error) body.append(el('p', { class: 'mx-note', 'data-level': 'bad', text: sentence(hostText(record.error, { compact: compact() })) }));
    const ips = Array.isArray(record.ips) ? record.ips : [];
    const info = new Map((record.addresses ?? []).map((a) => [a.ip, a]));
    const addresses = el('ul', { class: 'mx-ips' });
    for (const ip of ips) addresses.append(renderAddress(ip, info.get(ip)));
    body.append(addresses);
    renderMxChecks(body, record); // DANE and the domain blocklists, above the addresses
    const expected = pending ? ips.length * this.ports.length : 0;
    if (pending && expected > 0) {
      head.append(el('span', { class: 'mx-progress' }));
    } else if (!pending) {
      const s = mxStatus(record);
      item.dataset.tone = s.tone;
      head.append(el('span', { class: 'mx-status', 'data-tone': s.tone, title: s.words },
        el('span', { class: 'status-glyph', 'aria-hidden': 'true', text: TONE_GLYPH[s.tone] }),
        el('span', { class: 'mx-status-words', text: s.words })));
    } else if (!ips.length) {
      head.append(el('span', { class: 'mx-status', 'data-tone': 'bad' },
        el('span', { class: 'status-glyph', 'aria-hidden': 'true', text: TONE_GLYPH.bad }),
        el('span', { class: 'mx-status-words', text: 'No address' })));
    }
    return { item, expected, done: 0 };
  }

  #updateProgress(entry) {
    const progress = entry.item.querySelector('.mx-progress');
    if (!progress) return;
    progress.textContent = `${entry.done} of ${plural(entry.expected, 'probe')} done`;
    progress.style.setProperty('--done', String(entry.expected ? entry.done / entry.expected : 1));
  }

  showDns(progress) {
    this.reset();
    this.ports = Array.isArray(progress.ports) ? sortPorts(progress.ports) : [];
    const records = Array.isArray(progress.mx_records) ? progress.mx_records : [];
    if (!records.length) {
      this.list.append(el('li', { class: 'mx-empty', text: 'No mail servers (MX records) found.' }));
      return;
    }
    for (const record of records) {
      const entry = this.#item(record, { pending: true });
      // A host can be listed twice (two priorities, mx.duplicate_host).
      this.items.set(record.host, [...(this.items.get(record.host) ?? []), entry]);
      this.#updateProgress(entry);
      this.list.append(entry.item);
    }
  }

  addProbe(host, probe) {
    if (!probe) return;
    let entry = null;
    let probes = null;
    for (const candidate of this.items.get(host) ?? []) {
      const address = [...candidate.item.querySelectorAll('.address')].find((a) => a.dataset.ip === probe.ip);
      const list = address?.querySelector('.probes');
      if (!list) continue;
      const taken = [...list.children].some((r) => r.dataset.port === String(probe.port));
      if (!taken || !entry) { entry = candidate; probes = list; }
      if (!taken) break;
    }
    if (!entry) return;
    for (const old of probes.querySelectorAll('.probe')) {
      if (old.dataset.port === String(probe.port)) { old.remove(); entry.done -= 1; }
    }
    // Probes finish in any order; keep them in the one order of the ports.
    const row = renderProbe(probe);
    const next = [...probes.children].find((r) => portRank(r.dataset.port) > portRank(probe.port));
    probes.insertBefore(row, next ?? null);
    foldRepeatedDetails(probes);
    entry.done += 1;
    this.#updateProgress(entry);
  }

  // Results of the checks beside the probes that arrive while the probes run (progress stage
  // "side": {"ptr": {IP: ...}, "blocklists": {IP: [...]}}). Whatever does not have the
  // expected shape is left out; the report at the end redraws everything.
  showSide(progress) {
    const byIp = (value) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {});
    const ptr = byIp(progress.ptr);
    const lists = byIp(progress.blocklists);
    for (const address of this.list.querySelectorAll('.address')) {
      const ip = address.dataset.ip;
      const info = {};
      if (Object.hasOwn(ptr, ip)) info.ptr = ptr[ip];
      if (Object.hasOwn(lists, ip)) info.blocklists = lists[ip];
      renderAddressChecks(address, info);
    }
  }

  showReport(report) {
    this.reset();
    const records = report.mx_records ?? [];
    if (!records.length) {
      this.list.append(el('li', { class: 'mx-empty', text: report.verdict === 'could_not_check' ? 'The MX records could not be looked up.' : 'No mail servers (MX records) found.' }));
      return;
    }
    for (const record of records) {
      const entry = this.#item(record, { pending: false });
      const probes = [...(record.smtp_probes ?? [])].sort((a, b) => portRank(a.port) - portRank(b.port));
      for (const probe of probes) {
        const address = [...entry.item.querySelectorAll('.address')].find((a) => a.dataset.ip === probe.ip);
        address?.querySelector('.probes').append(renderProbe(probe));
      }
      for (const list of entry.item.querySelectorAll('.probes')) foldRepeatedDetails(list);
      this.list.append(entry.item);
    }
  }

  // A cancelled check: what was seen stays, but nothing is pending any more.
  stop() {
    for (const { item, expected, done } of [...this.items.values()].flat()) {
      item.dataset.state = 'done';
      item.querySelector('.mx-progress')?.remove();
      if (done < expected) item.querySelector('.mx-body')?.append(el('p', { class: 'mx-note', text: `Stopped after ${done} of ${plural(expected, 'probe')}.` }));
    }
  }
}

// ---- Findings -------------------------------------------------------------------------------

// A short plain explanation for families of findings where the host's sentence benefits from
// context. Most findings need none. With an assessment the host's own sentences already say
// who is affected, so only the old findings get these.
function explanation(f) {
  if (f.code.startsWith('dnssec.')) return 'Senders whose resolvers validate DNSSEC reject such data, so their mail fails.';
  if (f.code === 'tls.untrusted' || f.code === 'tls.name_mismatch') {
    return 'Most senders still deliver over TLS; senders that enforce MTA-STS refuse to.';
  }
  if (f.code === 'smtp.deferred') return 'Busy or greylisting servers say this; senders retry, so mail usually arrives later.';
  if (f.code === 'smtp.greeting_rejected') return 'Often about the address you check from (a home or blocklisted range), not about the domain.';
  return null;
}

const SEVERITY_WORDS = Object.freeze({ error: 'Error', warning: 'Warning', info: 'Note' });

// One finding; `more`: other findings of the same code, shown as one line that opens to them.
function renderFinding(f, { explain = true, more = [] } = {}) {
  const item = el('li', { class: 'finding', 'data-severity': f.severity, 'data-code': f.code });
  if (more.length) item.dataset.count = String(more.length + 1);
  item.append(el('span', { class: 'severity', text: SEVERITY_WORDS[f.severity] ?? f.severity }));
  const body = el('div', { class: 'finding-body' }, el('p', { class: 'finding-message', text: hostText(f.message, { compact: compact() }) }));
  const why = explain ? explanation(f) : null;
  if (why) body.append(el('p', { class: 'finding-explain', text: why }));
  if (more.length) {
    body.append(el('details', { class: 'finding-more' },
      el('summary', { text: `${more.length} more like this` }),
      el('ul', {}, more.map((m) => el('li', { text: hostText(m.message, { compact: compact() }) })))));
  }
  const meta = el('p', { class: 'finding-meta' }, el('code', { class: 'finding-code', text: f.code }));
  const refs = rfcReferences(f.reference);
  if (refs.length) {
    meta.append(el('span', { class: 'learn-more-label', text: 'Learn more:' }));
    for (const r of refs) {
      meta.append(el('a', { class: 'learn-more', href: r.url, target: '_blank', rel: 'noopener noreferrer', text: r.label }));
    }
  } else if (f.reference) {
    meta.append(el('span', { class: 'finding-reference', text: f.reference }));
  }
  body.append(meta);
  item.append(body);
  return item;
}

// Findings of one code and severity become one line: the same problem at several addresses
// ("no route to …" for each address) is one problem.
function collapseRepeats(findings) {
  const out = [];
  const byKey = new Map();
  for (const f of sortFindings(findings)) {
    const key = `${f.code}\u0000${f.severity}`;
    const entry = byKey.get(key);
    if (entry) { entry.more.push(f); continue; }
    const fresh = { finding: f, more: [] };
    byKey.set(key, fresh);
    out.push(fresh);
  }
  return out;
}

// One line per cause for the blocklists that gave no usable answer (instead of one finding
// per list and address).
function blocklistCauseItem(cause) {
  return el('li', { class: 'finding', 'data-severity': 'info', 'data-code': 'dnsbl.unknown', 'data-count': cause.lists.length },
    el('span', { class: 'severity', text: SEVERITY_WORDS.info }),
    el('div', { class: 'finding-body' },
      el('p', { class: 'finding-message', title: cause.lists.join(', '), text: sentence(cause.line) }),
      el('p', { class: 'finding-meta' }, el('code', { class: 'finding-code', text: 'dnsbl.unknown' }))));
}

// Problems in a list; notes (info) folded into one line that opens on a click or Enter.
function renderFindingList(container, findings, { explain, causes = null }) {
  let notes = findings.filter((f) => f.severity === 'info');
  const problems = findings.filter((f) => f.severity !== 'info');
  const causeItems = [];
  if (causes?.length) {
    notes = notes.filter((f) => f.code !== 'dnsbl.unknown');
    causeItems.push(...causes.map(blocklistCauseItem));
  }
  if (problems.length) {
    container.append(el('ul', { class: 'finding-list' }, collapseRepeats(problems).map((g) => renderFinding(g.finding, { explain, more: g.more }))));
  }
  const noteItems = [...collapseRepeats(notes).map((g) => renderFinding(g.finding, { explain, more: g.more })), ...causeItems];
  if (noteItems.length) {
    container.append(el('details', { class: 'notes' },
      el('summary', { text: `${plural(noteItems.length, 'note')} (information only, nothing to fix)` }),
      el('ul', { class: 'finding-list' }, noteItems)));
  }
}

// The groups of findings of a report with an assessment: one per dimension (in the spec's
// order), then the user's network, the check itself, and anything a newer host adds.
export function findingGroups(report) {
  const findings = Array.isArray(report.findings) ? report.findings : [];
  const dims = report.assessment?.dimensions ?? {};
  const known = [...DIMENSIONS, ...OTHER_GROUPS];
  const groups = known.map((g) => ({ ...g, status: dims[g.key]?.status ?? null, findings: findings.filter((f) => f.dimension === g.key) }));
  const other = findings.filter((f) => !known.some((g) => g.key === f.dimension));
  if (other.length) groups.push({ key: 'other', name: 'Other findings', about: '', status: null, findings: other });
  return groups.filter((g) => g.findings.length);
}

// The problems (errors and warnings) of one dimension, for the popup's dimension line that
// opens in place; null when there are none.
export function dimensionFindings(report, key) {
  const problems = (report.findings ?? []).filter((f) => f.dimension === key && f.severity !== 'info');
  if (!problems.length) return null;
  return el('ul', { class: 'dimension-findings' }, collapseRepeats(problems).map((g) => el('li', { 'data-severity': g.finding.severity },
    el('span', { class: 'severity', text: SEVERITY_WORDS[g.finding.severity] ?? g.finding.severity }), ' ',
    hostText(g.finding.message, { compact: compact() }),
    g.more.length ? ` (and ${g.more.length} more like it)` : '')));
}

// Fills #findings. With an assessment (and findings that carry their dimension): grouped by
// dimension, problems in view and notes folded. From an older host: by severity, with the
// findings about the user's own network (network.*) apart.
export function renderFindings(container, findings, report = null) {
  clear(container);
  const all = Array.isArray(findings) ? findings : [];
  if (!all.length) {
    container.append(el('p', { class: 'empty', text: 'Nothing to report.' }));
    return;
  }
  if (report && hasAssessment(report) && all.every((f) => typeof f.dimension === 'string')) {
    const causes = blocklistCauses(report);
    for (const g of findingGroups(report)) {
      const s = g.status ? DIMENSION_STATUS[g.status] : null;
      const section = el('section', { class: 'finding-group', 'data-group': g.key, 'data-tone': s?.tone ?? null });
      section.append(el('h3', { class: 'finding-group-title' },
        s ? el('span', { class: 'status-glyph', 'aria-hidden': 'true', text: s.glyph }) : null,
        el('span', { text: g.name }),
        s ? el('span', { class: 'group-status', text: s.word }) : null));
      if (OTHER_GROUPS.some((o) => o.key === g.key)) section.append(el('p', { class: 'section-note', text: g.about }));
      renderFindingList(section, g.findings, { explain: false, causes: g.key === 'reputation' ? causes : null });
      container.append(section);
    }
    return;
  }
  const sorted = sortFindings(all);
  const domain = sorted.filter((f) => !f.code.startsWith('network.'));
  const network = sorted.filter((f) => f.code.startsWith('network.'));
  renderFindingList(container, domain, { explain: true });
  if (network.length) {
    const box = el('div', { class: 'network-findings' },
      el('h3', { text: 'About your network' }),
      el('p', { class: 'section-note', text: 'These come from where you are checking from. Mail servers on the internet are not affected.' }));
    renderFindingList(box, network, { explain: true });
    container.append(box);
  }
}

// ---- Helper (host) problems -----------------------------------------------------------------

const INSTALL = 'installer/install.sh';

function paragraph(...parts) {
  return el('p', {}, ...parts.map((p) => (typeof p === 'string' ? p : el('code', { text: p.code }))));
}

// Fills #host-problem with plain words for each problem; returns the "Try again" button.
export function renderHostProblem(node, { problem, message, details = {} }) {
  clear(node);
  node.hidden = false;
  node.dataset.problem = problem;
  const title = el('h2', { class: 'problem-title' });
  node.append(title);
  const install = paragraph('Install it: run ', { code: INSTALL }, ' from the mxhealth source folder, then restart the browser. ',
    { code: 'mxhealth doctor' }, ' checks the registration.');
  switch (problem) {
    case 'missing':
      title.textContent = 'Install the mxhealth helper';
      node.append(
        el('p', { text: 'The mxhealth helper program is not installed (or not registered with this browser). It does the DNS lookups and SMTP connections a browser can\'t.' }),
        install);
      break;
    case 'too_old': {
      const found = details.found ?? {};
      const needed = details.needed ?? {};
      title.textContent = 'Update the mxhealth helper';
      node.append(
        el('p', { text: `Found: mxhealth ${found.host_version ?? '(unknown version)'}, protocol ${found.protocol_version ?? '?'}${found.messages?.length ? `, requests ${found.messages.join(', ')}` : ''}.` }),
        el('p', { text: `Needed: protocol ${needed.protocol_version ?? 1} with the requests ${(needed.messages ?? []).join(', ')}.` }),
        paragraph('Update it: run ', { code: INSTALL }, ' from a current mxhealth source folder, then restart the browser. ',
          { code: 'mxhealth doctor' }, ' checks the registration.'));
      break;
    }
    case 'forbidden':
      title.textContent = 'Register the helper for this extension';
      node.append(
        el('p', { text: 'The helper is installed, but its registration does not allow this extension (its ID or origin is not listed).' }),
        paragraph('Run ', { code: INSTALL }, ' again from the mxhealth source folder, then restart the browser. ',
          { code: 'mxhealth doctor' }, ' checks the registration.'));
      break;
    case 'timeout':
      title.textContent = 'The helper did not answer';
      node.append(el('p', { text: `The mxhealth helper didn't answer in ${details.seconds ?? '?'} s. It may be stuck on a slow network; try again.` }));
      break;
    default:
      title.textContent = 'The helper stopped';
      node.append(
        el('p', { text: `The mxhealth helper stopped unexpectedly${message ? ` (the browser says: “${String(message).replace(/\.$/, '')}”)` : ''}. Try again: that starts a new one.` }),
        paragraph('If it keeps happening, reinstall it with ', { code: INSTALL }, ' and run ', { code: 'mxhealth doctor' }, '.'));
  }
  const retry = el('button', { type: 'button', id: 'retry-button', class: 'button', text: 'Try again' });
  node.append(el('div', { class: 'problem-actions' }, retry));
  return retry;
}

export function hideHostProblem(node) {
  clear(node);
  node.hidden = true;
  delete node.dataset.problem;
}

// ---- Changes and history (report page) ------------------------------------------------------

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

export function renderChanges(list, report) {
  clear(list);
  const changes = report.changes_since_last;
  const name = report.domain_unicode || report.domain;
  if (!changes) {
    list.append(el('li', { class: 'empty', text: report.verdict === 'could_not_check'
      ? 'A check that could not be done is not compared.'
      : `No earlier check of ${name} to compare with.` }));
    return;
  }
  if (!changes.changes?.length) {
    list.append(el('li', { class: 'empty', text: `No changes since ${formatDate(changes.previous_checked_at)}.` }));
    return;
  }
  for (const c of changes.changes) {
    list.append(el('li', { class: 'change', 'data-kind': c.kind },
      el('code', { class: 'change-kind', text: c.kind }),
      el('span', { class: 'change-message', text: c.message })));
  }
}

// "10 mx1.smtp.test (25 ok, 587 ok)"
export function historyMxSummary(entry) {
  const mx = entry.mx ?? [];
  if (!mx.length) return 'no mail servers';
  return mx.map((m) => {
    if (m.host === '.') return 'Null MX';
    const ports = Object.entries(m.ports ?? {}).sort(([a], [b]) => portRank(a) - portRank(b)).map(([port, p]) => `${port} ${p.status}`);
    return `${m.priority} ${m.host}${ports.length ? ` (${ports.join(', ')})` : ''}`;
  }).join('; ');
}

export function renderHistory(tbody, entries) {
  clear(tbody);
  for (const entry of entries) {
    const v = VERDICTS[entry.verdict] ?? { icon: '?', label: entry.verdict };
    tbody.append(el('tr', { class: 'history-entry', 'data-verdict': entry.verdict },
      el('td', {}, el('time', { datetime: entry.checked_at, text: formatDate(entry.checked_at) })),
      el('td', { class: 'history-verdict' },
        el('span', { class: 'verdict-chip', 'data-verdict': entry.verdict },
          el('span', { 'aria-hidden': 'true', text: v.icon }), ` ${v.label}`)),
      el('td', { class: 'history-mx mono', text: historyMxSummary(entry) })));
  }
}

export function displayDomain(domain) {
  return toUnicode(domain);
}
