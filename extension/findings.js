// The findings card: the report's findings in plain words with a link to the RFC. With an
// assessment they are grouped by dimension (problems in view, notes folded); from an older
// host, by severity, with the findings about the user's own network apart. Also the problems
// of one dimension, for the popup's dimension line that opens in place.
import {
  DIMENSIONS, DIMENSION_STATUS, OTHER_GROUPS, blocklistCauses, hasAssessment,
} from './assessment.js';
import { clear, el, hostText, isCompactPage, plural, rfcReferences, sentence } from './util.js';

const SEVERITY_RANK = { error: 0, warning: 1, info: 2 };

export function sortFindings(findings) {
  return [...(findings ?? [])].sort((a, b) => (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3));
}

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
  const body = el('div', { class: 'finding-body' }, el('p', { class: 'finding-message', text: hostText(f.message, { compact: isCompactPage() }) }));
  const why = explain ? explanation(f) : null;
  if (why) body.append(el('p', { class: 'finding-explain', text: why }));
  if (more.length) {
    body.append(el('details', { class: 'finding-more' },
      el('summary', { text: `${more.length} more like this` }),
      el('ul', {}, more.map((m) => el('li', { text: hostText(m.message, { compact: isCompactPage() }) })))));
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
function findingGroups(report) {
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
    hostText(g.finding.message, { compact: isCompactPage() }),
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
