// The report page's record of the past: what changed since the last check of the domain, and
// the table of earlier checks (the host's history, stored on this computer).
import { verdictWords } from './verdict.js';
import { clear, el, formatDate } from './util.js';

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

// "10 mx1.smtp.test (25 ok, 587 ok)", the ports in `order` (ports.js).
function historyMxSummary(entry, order) {
  const mx = entry.mx ?? [];
  if (!mx.length) return 'no mail servers';
  return mx.map((m) => {
    if (m.host === '.') return 'Null MX';
    const ports = Object.entries(m.ports ?? {}).sort(([a], [b]) => order.rank(a) - order.rank(b)).map(([port, p]) => `${port} ${p.status}`);
    return `${m.priority} ${m.host}${ports.length ? ` (${ports.join(', ')})` : ''}`;
  }).join('; ');
}

export function renderHistory(tbody, entries, order) {
  clear(tbody);
  for (const entry of entries) {
    const v = verdictWords(entry.verdict);
    tbody.append(el('tr', { class: 'history-entry', 'data-verdict': entry.verdict },
      el('td', {}, el('time', { datetime: entry.checked_at, text: formatDate(entry.checked_at) })),
      el('td', { class: 'history-verdict' },
        el('span', { class: 'verdict-chip', 'data-verdict': entry.verdict },
          el('span', { 'aria-hidden': 'true', text: v.icon }), ` ${v.label}`)),
      el('td', { class: 'history-mx mono', text: historyMxSummary(entry, order) })));
  }
}
