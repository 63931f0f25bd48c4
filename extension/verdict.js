// The verdict banner at the top of the check screen: the verdict's glyph and words, the
// domain, and one sentence under it (the report's headline, or for an older host what a
// reader most needs to know).
import { hasAssessment, headlineText } from './assessment.js';
import { sortFindings } from './findings.js';
import { clear, hostText, isCompactPage, plural, sentence } from './util.js';

const VERDICTS = Object.freeze({
  checking: { icon: '…', label: 'Checking' },
  healthy: { icon: '✓', label: 'Healthy' },
  needs_attention: { icon: '!', label: 'Needs attention' },
  broken: { icon: '✕', label: 'Broken' },
  could_not_check: { icon: '?', label: 'Could not check' },
  error: { icon: '!', label: 'Could not run the check' },
  cancelled: { icon: '–', label: 'Cancelled' },
});

// {icon, label} of a verdict, also one a newer host adds.
export function verdictWords(verdict) {
  return VERDICTS[verdict] ?? { icon: '?', label: String(verdict) };
}

// Fills the #verdict banner: data-verdict, icon glyph, words, domain, one sentence (the
// headline), and optionally an element under it (a link to the options).
export function renderVerdict(node, { verdict, domain = '', summary = '', kind = null, extra = null }) {
  const v = verdictWords(verdict);
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

// One sentence under the verdict: the headline of the assessment, or (from an older host)
// what a reader most needs to know.
export function verdictSummary(report) {
  const compact = isCompactPage();
  if (hasAssessment(report)) return headlineText(report, { compact });
  if (report.verdict === 'could_not_check') {
    return sentence(hostText(report.error?.message ?? 'The DNS lookup failed, so nothing can be said about the domain'));
  }
  if (report.verdict === 'needs_attention' || report.verdict === 'broken') {
    // The domain's own problems first: one about the user's network (network.*) is the
    // headline only when there is nothing else.
    const problems = sortFindings(report.findings).filter((f) => f.severity === 'error' || f.severity === 'warning');
    const top = problems.find((f) => !f.code.startsWith('network.')) ?? problems[0];
    if (top) return hostText(top.message, { compact });
  }
  const n = (report.mx_records ?? []).filter((r) => r.host !== '.').length;
  const servers = plural(n, 'mail server');
  if (n === 0) return 'No mail servers.';
  if (!report.smtp_probe_enabled) return `${servers}; DNS checks only, no server was contacted.`;
  if (report.all_tls_ok === true) return `${servers}; mail is delivered with TLS.`;
  if (report.all_tls_ok === null) return `${servers}; none could be probed from here.`;
  return `${servers}.`;
}
