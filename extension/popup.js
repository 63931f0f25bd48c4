// The toolbar popup: checks the site in the current tab at once (or ?target=X), and shows
// the result in compact form with a way to the full report.
import { api } from './api.js';
import { BackgroundClient } from './client.js';
import { CheckView } from './checkview.js';
import { hostFromUrl } from './menus.js';

const client = new BackgroundClient();
const view = new CheckView(client);

document.getElementById('open-report').addEventListener('click', () => {
  const target = view.report?.domain_unicode || view.target;
  if (!target) return;
  api.tabs.create({ url: api.runtime.getURL(`report.html?target=${encodeURIComponent(target)}`) });
});
document.getElementById('open-options').addEventListener('click', () => api.runtime.openOptionsPage());

const NO_SITE_HINT = 'Type a domain (example.com), an email address or a URL, then press Enter.';

// The domain of the site in the current tab, checked at once.
async function checkCurrentTab() {
  view.setStatus('Looking at the current tab…');
  let host = null;
  try {
    const tab = await client.activeTab();
    host = hostFromUrl(tab.url);
    if (!host) {
      view.idle(NO_SITE_HINT);
      return;
    }
    // www.shop.example.co.uk -> example.co.uk: mail is usually handled for the registered domain.
    const { domain } = await client.registrableDomain(host);
    view.check(domain);
  } catch (error) {
    if (error.kind === 'host_problem') {
      view.target = host ?? '';
      view.showError(error, checkCurrentTab);
    } else {
      view.idle(`This page's address (${host}) has no domain whose mail could be checked. ${NO_SITE_HINT}`);
    }
  }
}

const target = new URLSearchParams(location.search).get('target');
if (target && target.trim()) view.check(target.trim());
else checkCurrentTab();
