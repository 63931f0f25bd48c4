// The full report page (report.html?target=X): the check screen with room for everything,
// plus what changed since the last check, the DNS details, the history of earlier checks of
// the domain and the raw JSON.
import { api } from './api.js';
import { BackgroundClient } from './client.js';
import { CheckView } from './checkview.js';
import { renderChanges, renderHistory } from './history.js';
import { loadSettings, optionValue } from './settings.js';
import { clear, el, formatDate, formatDuration, hostText, sentence } from './util.js';
import { verdictWords } from './verdict.js';

const $ = (id) => document.getElementById(id);
const client = new BackgroundClient();

const DNSSEC_WORDS = Object.freeze({
  secure: 'Secure (signed and validated)',
  insecure: 'Not signed',
  bogus: 'Bogus: validation failed',
  unvalidated: 'Not validated',
});

function showDns(report) {
  const r = report.resolver ?? {};
  const servers = r.mode === 'system' ? `the system's resolvers (${(r.servers ?? []).join(', ')})` : (r.servers ?? []).join(', ');
  // The DNSSEC state once: the resolver's note, when there is one, says it with the reason.
  const note = r.note ? sentence(hostText(r.note)) : '';
  const dnssec = r.dnssec_validation
    ? `DNSSEC validated by mxhealth.${note ? ` ${note}` : ''}`
    : note && /DNSSEC/i.test(note) ? note : `DNSSEC not validated.${note ? ` ${note}` : ''}`;
  $('resolver-info').textContent = `Asked ${servers || 'the resolver'}. ${dnssec}`;
  const body = clear($('dnssec'));
  for (const d of report.dnssec ?? []) {
    const why = d.why ? sentence(hostText(d.why)) : '';
    // "Not validated" and a reason that says "… was not validated: …" are said once.
    const repeats = d.status === 'unvalidated' && /not validated/i.test(why);
    body.append(el('tr', { 'data-status': d.status },
      el('td', { class: 'mono', text: d.name }),
      el('td', { class: 'mono', text: d.type }),
      el('td', {}, el('span', { class: 'dnssec-status', 'data-status': d.status, text: repeats ? why : DNSSEC_WORDS[d.status] ?? d.status }),
        why && !repeats ? el('span', { class: 'dnssec-why', text: ` ${why}` }) : null)));
  }
  $('dns-section').hidden = !(report.dnssec ?? []).length;
}

async function showHistory(domain, name) {
  const section = $('history-section');
  try {
    const [answer, settings, hello] = await Promise.all([client.history(domain), loadSettings(), client.hello()]);
    renderHistory($('history'), answer.entries, view.portOrder);
    const kept = optionValue('history', settings, hello.capabilities) !== false;
    const off = kept ? '' : ' Keeping a history is turned off in the options, so new checks are not added.';
    $('history-note').textContent = answer.entries.length
      ? `${answer.entries.length === 1 ? `The only stored check of ${name}` : `The last ${answer.entries.length} checks of ${name}, newest first`}. Stored only on this computer.${off}`
      : `No checks of ${name} are stored on this computer.${off}`;
    section.hidden = false;
  } catch (error) {
    clear($('history'));
    $('history-note').textContent = `The history could not be read: ${error.message}`;
    section.hidden = false;
  }
}

const view = new CheckView(client, {
  onStart: (target) => {
    document.title = `mxhealth: ${target}`;
    $('report-meta').textContent = '';
    $('changes-section').hidden = true;
    $('dns-section').hidden = true;
    $('raw-section').hidden = true;
    history.replaceState(null, '', `?target=${encodeURIComponent(target)}`);
  },
  onReport: (report, answer) => {
    const name = report.domain_unicode || report.domain;
    document.title = `mxhealth: ${name} — ${verdictWords(report.verdict).label}`;
    $('report-meta').textContent = `Checked ${formatDate(report.checked_at)} · took ${formatDuration(report.duration_ms)}`
      + `${answer.cached ? ' · from the cache' : ''} · mxhealth ${report.version}`;
    renderChanges($('changes'), report);
    $('changes-section').hidden = false;
    showDns(report);
    $('raw-json').textContent = JSON.stringify(report, null, 2);
    $('raw-section').hidden = false;
    showHistory(report.domain, name);
  },
});

$('open-options').addEventListener('click', () => api.runtime.openOptionsPage());

const target = new URLSearchParams(location.search).get('target');
if (target && target.trim()) view.check(target.trim());
else view.idle('Type a domain (example.com), an email address or a URL, then press Enter.');
