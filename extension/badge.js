// The toolbar badge: the verdict of the last check of the domain of a tab, on that tab.
import { api } from './api.js';

const BADGES = Object.freeze({
  healthy: { text: '✓', color: '#1a7f37', words: 'Healthy' },
  needs_attention: { text: '!', color: '#9a6700', words: 'Needs attention' },
  broken: { text: '✕', color: '#cf222e', words: 'Broken' },
  could_not_check: { text: '?', color: '#59636e', words: 'Could not check' },
});

// True when the report is about the site in the tab: the same domain, or a parent domain of
// the page's host (the popup checks the registrable domain of www.example.com: example.com).
export function reportMatchesTab(report, tabUrl) {
  let host;
  try { host = new URL(tabUrl).hostname.toLowerCase().replace(/\.$/, ''); } catch { return false; }
  const domain = String(report?.domain ?? '').toLowerCase();
  return domain !== '' && (host === domain || host.endsWith(`.${domain}`));
}

export async function showVerdictBadge(tabId, report) {
  const badge = BADGES[report?.verdict];
  if (!badge || !Number.isInteger(tabId)) return;
  const name = report.domain_unicode || report.domain;
  try {
    await api.action.setBadgeText({ tabId, text: badge.text });
    await api.action.setBadgeBackgroundColor({ tabId, color: badge.color });
    // Not in every browser version.
    if (typeof api.action.setBadgeTextColor === 'function') {
      await api.action.setBadgeTextColor({ tabId, color: '#ffffff' });
    }
    await api.action.setTitle({ tabId, title: `mxhealth: ${name} — ${badge.words}` });
  } catch (e) {
    // The tab may have been closed meanwhile.
    console.debug('mxhealth: badge not set:', e?.message);
  }
}
