// The full report page and the ways to it: the right-click menu (mailto: link, selected text,
// the page itself), the popup's "Open full report" button, the raw JSON, and the history of
// earlier checks with what changed.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EXTENSION_ID, env, finalVerdict, launch, screenshot, worldSettings } from './harness.mjs';

// Runs the context-menu handler as Chromium would on a click, and returns the page it opens.
async function rightClick(browser, info, tab = { id: -1, url: 'about:blank' }) {
  const opened = browser.context.waitForEvent('page', { timeout: 10000 });
  await browser.worker.evaluate(([i, t]) => globalThis.mxhealth.handleContextMenuClick(i, t), [info, tab]);
  const page = await opened;
  await page.waitForLoadState('domcontentloaded');
  return page;
}

function targetOf(page) {
  const url = new URL(page.url());
  assert.equal(`${url.protocol}//${url.host}`, `chrome-extension://${EXTENSION_ID}`);
  assert.equal(url.pathname, '/report.html');
  return url.searchParams.get('target');
}

describe('report page', () => {
  let browser;
  before(async () => {
    browser = await launch();
    await browser.setSettings(worldSettings({ ports: [25] }));
  });
  after(async () => {
    await browser?.close();
  });

  test('right-click on a mailto: link opens the report for its domain', async () => {
    const page = await rightClick(browser, {
      menuItemId: 'check-mailto', linkUrl: 'mailto:Jane.Doe@smtp.test?subject=Hello', pageUrl: 'https://example.test/',
    });
    assert.match(targetOf(page), /smtp\.test/);
    assert.equal(await finalVerdict(page), 'healthy');
    assert.equal(await page.locator('#domain').textContent(), 'smtp.test');
    assert.equal(await page.locator('#mx-list .mx').count(), 2);
    await page.close();
  });

  test('right-click on selected text with an address opens the report for its domain', async () => {
    const page = await rightClick(browser, {
      menuItemId: 'check-selection', selectionText: '  please write to ops@nullmx.test today ',
    });
    assert.match(targetOf(page), /nullmx\.test/);
    assert.equal(await finalVerdict(page), 'needs_attention');
    assert.equal(await page.locator('#domain').textContent(), 'nullmx.test');
    await page.close();
  });

  test('"Check mail servers for this site" opens the report for the site\'s domain', async () => {
    const page = await rightClick(browser, { menuItemId: 'check-page', pageUrl: 'https://www.smtp.test/contact' },
                                  { id: -1, url: 'https://www.smtp.test/contact' });
    assert.match(targetOf(page), /smtp\.test/);
    assert.equal(await finalVerdict(page), 'healthy');
    assert.equal(await page.locator('#domain').textContent(), 'smtp.test');
    await page.close();
  });

  test('the report shows the raw JSON, the history and what changed', async () => {
    const page = await browser.open('report.html?target=smtp.test');
    assert.equal(await finalVerdict(page), 'healthy');
    const raw = JSON.parse(await page.locator('#raw-json').textContent());
    assert.equal(raw.domain, 'smtp.test');
    assert.equal(raw.verdict, 'healthy');
    assert.equal(raw.mx_records.length, 2);

    // "Check again" runs a fresh check: a second entry in the history, and a comparison.
    const entriesBefore = await page.locator('#history .history-entry').count();
    assert.ok(entriesBefore >= 1, `history entries: ${entriesBefore}`);
    const checkedAt = raw.checked_at;
    await page.locator('#check-button').click();
    await page.waitForFunction((before) => {
      const text = document.querySelector('#raw-json')?.textContent || '';
      try { return JSON.parse(text).checked_at !== before; } catch { return false; }
    }, checkedAt, { timeout: 30000 });
    assert.equal(await finalVerdict(page), 'healthy');
    await page.waitForFunction((n) => document.querySelectorAll('#history .history-entry').length > n, entriesBefore);
    const again = JSON.parse(await page.locator('#raw-json').textContent());
    assert.ok(again.changes_since_last, 'a second check compares with the first');
    assert.match(await page.locator('#changes').textContent(), /no change|nothing changed|same/i);
    await screenshot(page, 'report-page');
    await page.close();
  });

  test('a certificate warning is laid out on a line of normal width, never squeezed', async () => {
    for (const domain of ['expired.bad.test', 'selfsigned.bad.test']) {
      const page = await browser.open(`report.html?target=${domain}`);
      await finalVerdict(page);
      const probe = page.locator('.probe[data-port="25"]');
      const status = probe.locator('.probe-status');
      assert.match(await status.textContent(), /^Encrypted \(TLS 1\.3\); certificate (expired|not trusted)/, domain);
      const lineHeight = await status.evaluate((e) => parseFloat(getComputedStyle(e).lineHeight));
      for (const [name, locator] of [['the warning', status], ['the certificate details', probe.locator('.probe-details')]]) {
        const box = await locator.boundingBox();
        assert.ok(box.width > 150, `${domain}: ${name} is ${box.width} px wide`);
        assert.ok(box.height <= 2 * lineHeight + 1, `${domain}: ${name} is ${box.height} px high (line height ${lineHeight} px)`);
      }
      // The issuer is not cut short.
      const issuer = probe.locator('.cert-issuer');
      assert.ok(await issuer.evaluate((e) => e.scrollWidth <= e.clientWidth + 1), `${domain}: the issuer is cut`);
      assert.match(await issuer.textContent(), /issued by .*Test CA|issued by mx\.selfsigned/);
      await screenshot(page, `report-certificate-${domain}`);
      await page.close();
    }
  });

  test('the DNSSEC state is said once', async () => {
    await browser.setSettings(worldSettings({ ports: [25], trust_anchor: `${env.worldState()}/wrong.ta` }));
    const page = await browser.open('report.html?target=smtp.test');
    await finalVerdict(page);
    const info = await page.locator('#resolver-info').textContent();
    assert.equal(info.match(/not validated/gi)?.length ?? 0, 1, info);
    await page.close();
    await browser.setSettings(worldSettings({ ports: [25] }));
  });

  test('the popup\'s "Open full report" opens the report page for the same domain', async () => {
    const popup = await browser.open('popup.html?target=smtp.test');
    await finalVerdict(popup);
    const opened = browser.context.waitForEvent('page', { timeout: 10000 });
    await popup.locator('#open-report').click();
    const page = await opened;
    await page.waitForLoadState('domcontentloaded');
    assert.equal(targetOf(page), 'smtp.test');
    assert.equal(await finalVerdict(page), 'healthy');
    await page.close();
    await popup.close();
  });

  test('copy summary and copy JSON put the report on the clipboard', async () => {
        // What the buttons hand to the clipboard (a headless browser has no system clipboard to
    // read back from, and extension origins cannot be granted clipboard-read).
    const popup = await browser.open('popup.html?target=nullmx.test');
    await finalVerdict(popup);
    await popup.evaluate(() => {
      window.copied = [];
      navigator.clipboard.writeText = async (text) => { window.copied.push(text); };
    });
    await popup.locator('#copy-summary').click();
    await popup.waitForFunction(() => window.copied.length === 1);
    const summary = await popup.evaluate(() => window.copied[0]);
    assert.match(summary, /nullmx\.test/);
    assert.match(summary, /Needs attention/);
    assert.match(summary, /Null MX/);
    await popup.locator('#copy-json').click();
        await popup.waitForFunction(() => window.copied.length === 2);
    const json = JSON.parse(await popup.evaluate(() => window.copied[1]));
    assert.equal(json.domain, 'nullmx.test');
    assert.equal(json.null_mx, true);
    await popup.close();
  });
});
