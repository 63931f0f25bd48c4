// Rendering of reports, shared by the popup and the report page.
//
// Everything that comes from the host (and so from DNS and from mail servers: hostile
// text) is put into the page with textContent or as attribute values of elements built with
// document.createElement. Nothing here parses HTML.
import { toUnicode } from './idn.js';
import { clear, el, plural, rfcReferences, sentence } from './util.js';
import { renderAddressChecks, renderMxChecks } from './checks.js';

export { clear, el, plural, rfcReferences, sentence };

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

// Fills the #verdict banner: data-verdict, icon glyph, words, domain, one sentence.
export function renderVerdict(node, { verdict, domain = '', summary = '' }) {
  const v = VERDICTS[verdict] ?? { icon: '?', label: String(verdict) };
  node.hidden = false;
  node.dataset.verdict = verdict;
  node.querySelector('.verdict-icon').textContent = v.icon;
  node.querySelector('.verdict-label').textContent = v.label;
  node.querySelector('#domain').textContent = domain;
  node.querySelector('.verdict-summary').textContent = summary;
}

function mailHosts(report) {
  return (report.mx_records ?? []).filter((r) => r.host !== '.');
}

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 };

export function sortFindings(findings) {
  return [...(findings ?? [])].sort((a, b) => (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3));
}

// One sentence under the verdict: what a reader most needs to know.
export function verdictSummary(report) {
  if (report.verdict === 'could_not_check') {
    return sentence(report.error?.message ?? 'The DNS lookup failed, so nothing can be said about the domain');
  }
  if (report.verdict === 'needs_attention' || report.verdict === 'broken') {
    // The domain's own problems first: one about the user's network (network.*) is the
    // headline only when there is nothing else.
    const problems = sortFindings(report.findings).filter((f) => f.severity === 'error' || f.severity === 'warning');
    const top = problems.find((f) => !f.code.startsWith('network.')) ?? problems[0];
    if (top) return top.message;
  }
  const n = mailHosts(report).length;
  const servers = plural(n, 'mail server');
  if (n === 0) return 'No mail servers.';
  if (!report.smtp_probe_enabled) return `${servers}; DNS checks only, no server was contacted.`;
  if (report.all_tls_ok === true) return `${servers}; mail is delivered with TLS.`;
  if (report.all_tls_ok === null) return `${servers}; none could be probed from here.`;
  return `${servers}.`;
}

// ---- Probe statuses (docs/report.md, "Probe status") ----------------------------------------

// tone: ok | warn | bad | neutral. On the submission ports a refusal or silence is normal for
// a host that only receives mail, and other failures are warnings, not errors.
const STATUS = Object.freeze({
  ok: { words: 'Accepts mail, TLS ok', relay: 'ok', submission: 'ok' },
  no_starttls: { words: 'No STARTTLS: mail travels unencrypted', relay: 'bad', submission: 'warn' },
  tls_failed: { words: 'TLS handshake failed', relay: 'bad', submission: 'warn' },
  greeting_rejected: { words: 'Refuses to talk to us (5xx greeting)', relay: 'bad', submission: 'warn' },
  deferred: { words: 'Asks to come back later (4xx)', relay: 'warn', submission: 'warn' },
  greeting_timeout: { words: 'Connected, but no greeting in time', relay: 'bad', submission: 'warn' },
  connect_timeout: { words: 'No answer to the connection (timed out)', relay: 'bad', submission: 'neutral' },
  refused: { words: 'Connection refused', relay: 'bad', submission: 'neutral', submissionWords: 'Not offered here (connection refused)' },
  reset: { words: 'Connection reset during the conversation', relay: 'bad', submission: 'warn' },
  protocol_error: { words: 'Does not speak SMTP properly', relay: 'bad', submission: 'warn' },
  timeout: { words: 'Stopped answering after the greeting', relay: 'bad', submission: 'warn' },
  unreachable: { words: 'No route to it from this computer', relay: 'neutral', submission: 'neutral' },
  skipped: { words: 'Not probed', relay: 'neutral', submission: 'neutral' },
});

const TONE_GLYPH = Object.freeze({ ok: '✓', warn: '!', bad: '✕', neutral: '–' });

export function probeStatus(probe) {
  const s = STATUS[probe.status];
  const submission = probe.probe_kind === 'submission' || probe.probe_kind === 'smtps';
  if (!s) return { words: String(probe.status), tone: 'neutral' };
  return {
    words: (submission && s.submissionWords) || s.words,
    tone: submission ? s.submission : s.relay,
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

export function certDays(days) {
  if (days < 0) return { text: `expired ${plural(-days, 'day')} ago`, level: 'expired' };
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
  if (tls) row.append(el('span', { class: 'tls-version', text: tls.version }));
  const details = el('span', { class: 'probe-details' });
  if (tls) {
    details.append(el('span', { class: 'tls-cipher', title: tls.key_exchange ? `Key exchange ${tls.key_exchange}` : null, text: tls.cipher }));
    const cert = tls.certificate;
    if (cert) {
      details.append(el('span', { class: 'cert-issuer', title: `Issuer: ${cert.issuer}`, text: shortIssuer(cert.issuer) }));
      const d = certDays(cert.days_left);
      details.append(el('span', { class: 'cert-days', 'data-level': d.level, title: `Valid until ${cert.not_after}`, text: d.text }));
    }
    if (!tls.chain_verified) details.append(el('span', { class: 'tls-flag', 'data-level': 'warn', text: `untrusted: ${tls.verify_error ?? 'chain does not verify'}` }));
    if (!tls.hostname_match) details.append(el('span', { class: 'tls-flag', 'data-level': 'warn', text: 'certificate not valid for this name' }));
  }
  if (probe.plaintext_after_starttls) details.append(el('span', { class: 'tls-flag', 'data-level': 'warn', text: 'plaintext injected after STARTTLS' }));
  if (probe.error && probe.status !== 'ok') details.append(el('span', { class: 'probe-error', text: sentence(probe.error) }));
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

// ---- Addresses --------------------------------------------------------------------------------

function renderAddress(ip, info) {
  const family = ip.includes(':') ? 'v6' : 'v4';
  const item = el('li', { class: 'address', 'data-ip': ip });
  const head = el('div', { class: 'address-head' },
    el('span', { class: 'ip-family', text: family === 'v6' ? 'IPv6' : 'IPv4' }),
    el('span', { class: 'ip', 'data-family': family, text: ip }));
  if (info && info.public === false && info.range) {
    head.append(el('span', { class: 'ip-range', title: 'Not a public internet address', text: `non-public: ${info.range}` }));
  }
  item.append(head, el('ul', { class: 'probes', 'aria-label': `Probes of ${ip}` }));
  // Reverse DNS and blocklists (hosts that check them), between the address and its probes.
  renderAddressChecks(item, info);
  return item;
}

// ---- The MX list ----------------------------------------------------------------------------

// Keeps #mx-list in step with a running check: drawn from the dns progress message, filled
// by the probe messages, and redrawn from the report at the end (which also has the probes
// that never produce a message, such as skipped non-public addresses).
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
    if (record.host === '.') {
      item.append(el('div', { class: 'mx-head' },
        el('span', { class: 'mx-priority', title: 'MX priority', text: record.priority }),
        el('span', { class: 'mx-host', text: '.' }),
        el('span', { class: 'mx-tag', text: 'Null MX' })));
      item.append(el('p', { class: 'mx-note', text: 'A Null MX: the domain declares that it accepts no mail (RFC 7505).' }));
      return { item, expected: 0, done: 0 };
    }
    const head = el('div', { class: 'mx-head' },
      el('span', { class: 'mx-priority', title: 'MX priority: senders try lower numbers first', text: record.priority }),
      el('span', { class: 'mx-host', text: record.host }));
    if (record.implicit) head.append(el('span', { class: 'mx-tag', text: 'implicit MX' }));
    item.append(head);
    if (record.implicit) item.append(el('p', { class: 'mx-note', text: 'No MX records: senders deliver to the domain\'s own address.' }));
    if (record.cname) item.append(el('p', { class: 'mx-note', text: `An alias (CNAME) of ${record.cname}.` }));
    if (record.error) item.append(el('p', { class: 'mx-note', 'data-level': 'bad', text: sentence(record.error) }));
    const ips = Array.isArray(record.ips) ? record.ips : [];
    const info = new Map((record.addresses ?? []).map((a) => [a.ip, a]));
    const addresses = el('ul', { class: 'mx-ips' });
    for (const ip of ips) addresses.append(renderAddress(ip, info.get(ip)));
    item.append(addresses);
    renderMxChecks(item, record); // DANE and the domain blocklists, above the addresses
    const expected = pending ? ips.length * this.ports.length : 0;
    if (pending && expected > 0) {
      head.append(el('span', { class: 'mx-progress' }));
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
    this.ports = Array.isArray(progress.ports) ? progress.ports : [];
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
    // Probes finish in any order; keep them in the order of the ports setting.
    const rank = (port) => { const i = this.ports.indexOf(Number(port)); return i < 0 ? 1000 + Number(port) : i; };
    const row = renderProbe(probe);
    const next = [...probes.children].find((r) => rank(r.dataset.port) > rank(probe.port));
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

  showReport(report, ports = this.ports) {
    this.reset();
    this.ports = ports;
    const records = report.mx_records ?? [];
    if (!records.length) {
      this.list.append(el('li', { class: 'mx-empty', text: report.verdict === 'could_not_check' ? 'The MX records could not be looked up.' : 'No mail servers (MX records) found.' }));
      return;
    }
    for (const record of records) {
      const entry = this.#item(record, { pending: false });
      for (const probe of record.smtp_probes ?? []) {
        const address = [...entry.item.querySelectorAll('.address')].find((a) => a.dataset.ip === probe.ip);
        address?.querySelector('.probes').append(renderProbe(probe));
      }
      for (const probes of entry.item.querySelectorAll('.probes')) foldRepeatedDetails(probes);
      this.list.append(entry.item);
    }
  }

  // A cancelled check: what was seen stays, but nothing is pending any more.
  stop() {
    for (const { item, expected, done } of [...this.items.values()].flat()) {
      item.dataset.state = 'done';
      item.querySelector('.mx-progress')?.remove();
      if (done < expected) item.append(el('p', { class: 'mx-note', text: `Stopped after ${done} of ${plural(expected, 'probe')}.` }));
    }
  }
}

// ---- Findings -------------------------------------------------------------------------------

// A short plain explanation for families of findings where the host's sentence benefits from
// context. Most findings need none.
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

function renderFinding(f) {
  const item = el('li', { class: 'finding', 'data-severity': f.severity, 'data-code': f.code });
  item.append(el('span', { class: 'severity', text: SEVERITY_WORDS[f.severity] ?? f.severity }));
  const body = el('div', { class: 'finding-body' }, el('p', { class: 'finding-message', text: f.message }));
  const why = explanation(f);
  if (why) body.append(el('p', { class: 'finding-explain', text: why }));
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

// Fills #findings: the domain's findings by severity, then those about the user's own network
// (network.*), which say nothing about the domain, apart and explained.
export function renderFindings(container, findings) {
  clear(container);
  const sorted = sortFindings(findings);
  const domain = sorted.filter((f) => !f.code.startsWith('network.'));
  const network = sorted.filter((f) => f.code.startsWith('network.'));
  if (!sorted.length) {
    container.append(el('p', { class: 'empty', text: 'Nothing to report.' }));
    return;
  }
    // In the narrow popup, more than two notes (info) fold into one line a reader can open:
  // problems stay in view, and the notes are there for whoever wants them.
  const notes = domain.filter((f) => f.severity === 'info');
  const folded = document.body.classList.contains('popup') && notes.length > 2;
  const shown = folded ? domain.filter((f) => f.severity !== 'info') : domain;
  if (shown.length) container.append(el('ul', { class: 'finding-list' }, shown.map(renderFinding)));
  if (folded) {
    container.append(el('details', { class: 'notes' },
      el('summary', { text: `${plural(notes.length, 'note')} (information only, nothing to fix)` }),
      el('ul', { class: 'finding-list' }, notes.map(renderFinding))));
  }
  if (network.length) {
    container.append(el('div', { class: 'network-findings' },
      el('h3', { text: 'About your network' }),
      el('p', { class: 'section-note', text: 'These come from where you are checking from. Mail servers on the internet are not affected.' }),
      el('ul', { class: 'finding-list' }, network.map(renderFinding))));
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
    const ports = Object.entries(m.ports ?? {}).map(([port, p]) => `${port} ${p.status}`);
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
