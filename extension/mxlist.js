// The "Mail servers" card: one line per MX host (priority, name, what senders find there)
// that opens in place to its addresses, their reverse DNS and blocklists, and one row per
// SMTP probe with its status, TLS and certificate in plain words. Kept in step with a running
// check (MxListView), and the words of a probe and of an MX host for the copied summary.
import { renderAddressChecks, renderMxChecks } from './checks.js';
import { portOrder } from './ports.js';
import { clear, el, hostText, isCompactPage as compact, plural, sentence } from './util.js';

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
function tlsVersionText(version) {
  const m = /^TLSv?(\d)(?:\.(\d))?$/i.exec(String(version ?? ''));
  return m ? `TLS ${m[1]}.${m[2] ?? '0'}` : String(version ?? 'TLS');
}

// What is wrong with the certificate of a TLS session, in words ("expired 1,069 days ago, not
// valid for this name"); null when nothing is.
// `short`: for the popup's MX line ("certificate expired").
function certificateProblem(tls, { short = false } = {}) {
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
// to its addresses, probes and checks: folded in the popup, open on the report page. Probes
// are in `order` (ports.js), which the page sets from the host's default ports.
export class MxListView {
  constructor(list) {
    this.list = list;
    this.order = portOrder();
    this.probesPerAddress = 0; // the ports the host said it will probe, from the dns message
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
    const expected = pending ? ips.length * this.probesPerAddress : 0;
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
    // The host says which ports it will probe (none for a DNS-only check).
    this.probesPerAddress = progress.smtp_probe !== false && Array.isArray(progress.ports) ? progress.ports.length : 0;
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
    const next = [...probes.children].find((r) => this.order.rank(r.dataset.port) > this.order.rank(probe.port));
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
      const probes = [...(record.smtp_probes ?? [])].sort((a, b) => this.order.rank(a.port) - this.order.rank(b.port));
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
