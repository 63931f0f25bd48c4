// The options page (what a check asks the host for, and clearing the history), and the
// toolbar badge after a check of the site in the current tab.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EXTENSION_DIR, finalVerdict, launch, screenshot, worldSettings } from './harness.mjs';

describe('options page', () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('saving stores what the form says; bad values are refused with a message', async () => {
    await browser.setSettings(worldSettings());
    const page = await browser.open('options.html');
    await page.locator('input[name="port"][value="465"]').waitFor();
    assert.ok(await page.locator('input[name="port"][value="465"]').isChecked());
    await page.locator('input[name="port"][value="465"]').uncheck();
    await page.locator('#ports-custom').fill('2525');
    await page.locator('#save').click();
    await page.waitForFunction(() => document.querySelector('#save-status')?.dataset.level === 'ok');
    const saved = await browser.storedSettings();
    assert.deepEqual(saved.ports, [25, 587, 2525]);
    assert.equal(saved.resolver, '127.0.0.1');
    assert.equal(saved.allow_private, true);

    // A port out of range is not saved, and the field says why.
    await page.locator('#ports-custom').fill('70000');
    await page.locator('#save').click();
    await page.waitForFunction(() => document.querySelector('#save-status')?.dataset.level === 'bad');
    assert.ok(await page.locator('#ports-error').isVisible());
    assert.deepEqual((await browser.storedSettings()).ports, [25, 587, 2525]);
    await screenshot(page, 'options-page');
    await page.close();
  });

  test('a CA file, trust anchor or resolver the helper cannot use is refused next to its field', async (t) => {
    await browser.setSettings(worldSettings());
    const before = await browser.storedSettings();
    const page = await browser.open('options.html');
    await page.locator('#helper-status').getByText(/Connected to mxhealth/).waitFor();
    const hello = await browser.worker.evaluate(async () => new Promise((resolve) => {
      const port = chrome.runtime.connectNative('org.mxhealth.host');
      port.onMessage.addListener((m) => { resolve(m); port.disconnect(); });
      port.postMessage({ id: 1, type: 'hello', params: {} });
    }));
    if (!hello.capabilities?.messages?.includes('validate_options')) {
      t.skip('this mxhealth host has no validate_options request');
      await page.close();
      return;
    }
    await page.locator('#ca-file').fill('/nonexistent/mxh-ca.pem');
    await page.locator('#trust-anchor').fill('/nonexistent/mxh-root.key');
    await page.locator('#resolver').fill('127.0.0.1, resolver.example');
    await page.locator('#save').click();
    await page.waitForFunction(() => document.querySelector('#save-status')?.dataset.level === 'bad');
    // The settings' own check catches the host name; the helper checks what is left.
    assert.ok(await page.locator('#resolver-error').isVisible());
    await page.locator('#resolver').fill('127.0.0.1');
    await page.locator('#save').click();
    await page.waitForFunction(() => document.querySelector('#save-status')?.dataset.level === 'bad'
      && !document.querySelector('#ca_file-error')?.hidden);
    assert.match(await page.locator('#ca_file-error').textContent(), /\/nonexistent\/mxh-ca\.pem.*(not exist|cannot be read)/);
    assert.match(await page.locator('#trust_anchor-error').textContent(), /\/nonexistent\/mxh-root\.key/);
    assert.equal(await page.locator('#ca-file').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#save-status').textContent(), /Not saved/);
    assert.deepEqual(await browser.storedSettings(), before, 'nothing was saved');
    assert.doesNotMatch(await page.evaluate(() => document.body.innerText), /(^|\s)--[a-z]/m);
    await screenshot(page, 'options-helper-problems');

    // Fixed: saved.
    await page.locator('#ca-file').fill(before.ca_file);
    await page.locator('#trust-anchor').fill(before.trust_anchor);
    await page.locator('#save').click();
    await page.waitForFunction(() => document.querySelector('#save-status')?.dataset.level === 'ok');
    assert.ok(await page.locator('#ca_file-error').isHidden());
    assert.equal((await browser.storedSettings()).ca_file, before.ca_file);
    await page.close();
  });

  test('the settings reach the host: a check probes exactly the chosen ports', async () => {
    await browser.setSettings(worldSettings({ ports: [587] }));
    const page = await browser.open('popup.html?target=smtp.test');
    assert.equal(await finalVerdict(page), 'healthy');
    const ports = await page.locator('.probe').evaluateAll((els) => [...new Set(els.map((e) => e.dataset.port))]);
    assert.deepEqual(ports, ['587']);
    await page.close();
  });

  test('clear history forgets the checks of a domain', async () => {
    await browser.setSettings(worldSettings({ ports: [25] }));
    const report = await browser.open('report.html?target=nullmx.test');
    await finalVerdict(report);
    await report.waitForFunction(() => document.querySelectorAll('#history .history-entry').length >= 1);
    await report.close();

    const page = await browser.open('options.html');
    await page.locator('#clear-domain').fill('nullmx.test');
    await page.locator('#clear-history').click();
    await page.waitForFunction(() => /\d/.test(document.querySelector('#clear-status')?.textContent ?? ''));
    assert.match(await page.locator('#clear-status').textContent(), /\b1\b|one/i);
    await page.close();

        // The report page again: its result comes from the host's cache (not recorded twice), so
    // the history it shows is what is left after the clearing: nothing.
    const check = await browser.open('report.html?target=nullmx.test');
    await finalVerdict(check);
    await check.waitForFunction(() => /No checks of nullmx\.test/.test(document.querySelector('#history-note')?.textContent ?? ''));
    assert.equal(await check.locator('#history .history-entry').count(), 0);
    await check.close();
  });
});

describe('toolbar badge', () => {
  // The popup opened from the toolbar gets the tab's URL through activeTab, a grant only a
  // real click gives. A copy of the extension with the "tabs" permission stands in for that
  // click; everything else is the extension as shipped.
  let browser;
  let server;
  let copy;
  before(async () => {
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'mxh-e2e-ext-'));
    fs.cpSync(EXTENSION_DIR, copy, { recursive: true });
    const manifest = JSON.parse(fs.readFileSync(path.join(copy, 'manifest.json'), 'utf8'));
    manifest.permissions.push('tabs');
    fs.writeFileSync(path.join(copy, 'manifest.json'), JSON.stringify(manifest));
    server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Example shop</title><p>Contact: <a href="mailto:sales@smtp.test">sales@smtp.test</a></p>');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await launch({ extensionDir: copy, hostResolverRules: 'MAP www.smtp.test 127.0.0.1' });
  });
  after(async () => {
    await browser?.close();
    server?.close();
    fs.rmSync(copy, { recursive: true, force: true });
  });

  test('a check of the current site sets ✓ and a title on that tab', async () => {
    await browser.setSettings(worldSettings({ ports: [25] }));
    const site = await browser.context.newPage();
    await site.goto(`http://www.smtp.test:${server.address().port}/`);
    await site.bringToFront();
    const tabId = await browser.worker.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id);
    assert.ok(Number.isInteger(tabId));
        // The popup page, in a window of its own that does not take the focus from the site's
    // window, as the toolbar button's popup does not (Playwright cannot reach a real
    // action popup).
    const popupOpened = browser.context.waitForEvent('page', { timeout: 10000 });
    await browser.worker.evaluate(() => chrome.windows.create({
      url: chrome.runtime.getURL('popup.html'), type: 'popup', focused: false, width: 460, height: 700,
    }));
    const popup = await popupOpened;
    assert.equal(await finalVerdict(popup), 'healthy');
    assert.equal(await popup.locator('#domain').textContent(), 'smtp.test');
    const badge = await browser.worker.evaluate(async (id) => ({
      text: await chrome.action.getBadgeText({ tabId: id }),
      title: await chrome.action.getTitle({ tabId: id }),
    }), tabId);
    assert.equal(badge.text, '✓');
    assert.match(badge.title, /smtp\.test.*Healthy/);
  });
});
