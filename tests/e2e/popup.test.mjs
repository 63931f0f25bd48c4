// The toolbar popup against the test world, as a person sees it: the verdict, every MX row
// with its probes and TLS details, and the findings, for a healthy domain, a domain with a
// broken MX, a Null MX domain and a domain that does not exist; and cancel.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { finalVerdict, launch, screenshot, worldSettings } from './harness.mjs';

describe('popup', () => {
  let browser;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  test('a healthy domain: both MX hosts, every probe ok with TLS details', async () => {
    await browser.setSettings(worldSettings());
    const page = await browser.open('popup.html?target=smtp.test');
    assert.equal(await finalVerdict(page), 'healthy');
    await assert.doesNotReject(page.locator('#verdict').getByText('Healthy').first().waitFor());
    assert.equal(await page.locator('#domain').textContent(), 'smtp.test');

    const rows = page.locator('#mx-list .mx');
    assert.equal(await rows.count(), 2);
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.dataset.host)),
                     ['mx1.smtp.test', 'mx2.smtp.test']);
    const mx1 = page.locator('.mx[data-host="mx1.smtp.test"]');
    assert.equal(await mx1.getAttribute('data-state'), 'done');
    assert.equal((await mx1.locator('.mx-priority').textContent()).trim().replace(/\D/g, ''), '10');
    const ips = await mx1.locator('.mx-ips .ip').evaluateAll(
      (els) => els.map((e) => [e.dataset.family, e.textContent]));
    assert.ok(ips.some(([family, text]) => family === 'v4' && text.includes('198.51.100.25')), JSON.stringify(ips));
    assert.ok(ips.some(([family, text]) => family === 'v6' && text.includes('2001:db8:25::25')), JSON.stringify(ips));

    // 2 addresses x 3 ports per host, every one ok, with TLS 1.3 and the test CA's certificate.
    const probes = mx1.locator('.probe');
    assert.equal(await probes.count(), 6);
    assert.deepEqual([...new Set(await probes.evaluateAll((els) => els.map((e) => e.dataset.status)))], ['ok']);
    assert.deepEqual(
      (await probes.evaluateAll((els) => els.map((e) => e.dataset.port))).sort(),
      ['25', '25', '465', '465', '587', '587']);
    const probe25 = mx1.locator('.probe[data-port="25"][data-ip="198.51.100.25"]');
    assert.match(await probe25.locator('.tls-version').textContent(), /TLS ?v?1\.3/);
    assert.match(await probe25.locator('.tls-cipher').textContent(), /TLS_AES|CHACHA20/);
    assert.match(await probe25.locator('.cert-issuer').textContent(), /Test CA/);
    assert.match(await probe25.locator('.cert-days').textContent(), /\b(8[89]|9[01])\b/);

    // Beside the probes: reverse DNS, DANE and the mail policies, in plain words.
    const ptr = mx1.locator('.ptr').first();
    assert.equal(await ptr.getAttribute('data-status'), 'ok');
    assert.match(await ptr.textContent(), /mx1\.smtp\.test.*confirmed/);
    assert.equal(await mx1.locator('.dane').getAttribute('data-status'), 'match');
    for (const policy of ['spf', 'dmarc', 'mta_sts', 'tls_rpt']) {
      assert.equal(await page.locator(`#policies .policy[data-policy="${policy}"]`).getAttribute('data-status'), 'ok',
                   policy);
    }
    assert.match(await page.locator('#policies .policy[data-policy="spf"]').textContent(), /-all/);

    // Nothing wrong: no error or warning findings.
    const severities = await page.locator('#findings .finding').evaluateAll(
      (els) => els.map((e) => e.dataset.severity));
    assert.ok(!severities.includes('error') && !severities.includes('warning'), severities.join());
    await screenshot(page, 'popup-healthy');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'popup-healthy-dark');
    await page.close();
  });

  test('a domain with a broken MX: the black hole times out, the backup works', async () => {
    await browser.setSettings(worldSettings({ ports: [25], connect_timeout: 2, timeout: 10 }));
    const page = await browser.open('popup.html?target=partial.bad.test');
    const verdict = await finalVerdict(page);
    // Mail still arrives through the backup: needs attention, not broken.
    assert.equal(verdict, 'needs_attention');
    await page.locator('#verdict').getByText('Needs attention').first().waitFor();
    const hole = page.locator('.mx[data-host="mx.blackhole.bad.test"]');
    assert.equal(await hole.locator('.probe').getAttribute('data-status'), 'connect_timeout');
    assert.match(await hole.locator('.probe-status').textContent(), /time|respond|answer/i);
    const backup = page.locator('.mx[data-host="mx2.smtp.test"]');
    assert.deepEqual([...new Set(await backup.locator('.probe').evaluateAll((els) => els.map((e) => e.dataset.status)))],
                     ['ok']);
    const finding = page.locator('#findings .finding[data-code="smtp.connect_timeout"]');
    assert.equal(await finding.getAttribute('data-severity'), 'warning');
    assert.match(await finding.locator('.finding-message').textContent(), /mx\.blackhole\.bad\.test/);
    // The most severe come first.
    const order = await page.locator('#findings .finding').evaluateAll((els) => els.map((e) => e.dataset.severity));
    assert.equal(order[0], 'warning', order.join());
    await screenshot(page, 'popup-broken-mx');
    await page.close();
  });

  test('reverse DNS and blocklist problems are shown per address', async () => {
    await browser.setSettings(worldSettings({
      ports: [25], connect_timeout: 2, resolver: '127.0.0.2', blocklists: ['zen.dnsbl.test', 'dbl.dnsbl.test'],
    }));
    const page = await browser.open('popup.html?target=bl.test');
    // A listed MX address hurts mail sent from it, not mail to it: needs attention.
    assert.equal(await finalVerdict(page), 'needs_attention');
    const listed = page.locator('.mx[data-host="mx1.bl.test"] .blocklists');
    assert.equal(await listed.getAttribute('data-listed'), '1');
    assert.match(await listed.textContent(), /Listed on Spamhaus ZEN/);
    const refused = page.locator('.mx[data-host="mx3.bl.test"] .blocklist[data-zone="zen.dnsbl.test"]');
    assert.equal(await refused.getAttribute('data-status'), 'unknown');
    assert.doesNotMatch(await page.locator('.mx[data-host="mx3.bl.test"] .blocklists').textContent(), /Not listed/);
    await screenshot(page, 'popup-blocklists');
    await browser.setSettings(worldSettings({ ports: [25], connect_timeout: 2 }));
    const ptrPage = await browser.open('popup.html?target=ptr.test');
    await finalVerdict(ptrPage);
    assert.equal(await ptrPage.locator('.mx[data-host="mx2.ptr.test"] .ptr').getAttribute('data-status'), 'mismatch');
    assert.equal(await ptrPage.locator('.mx[data-host="mx4.ptr.test"] .ptr').getAttribute('data-status'), 'none');
    await page.close();
    await ptrPage.close();
  });

  test('a Null MX domain: needs attention, explained, with the RFC to read', async () => {
    await browser.setSettings(worldSettings());
    const page = await browser.open('popup.html?target=nullmx.test');
    assert.equal(await finalVerdict(page), 'needs_attention');
    await page.locator('#verdict').getByText('Needs attention').first().waitFor();
    const finding = page.locator('#findings .finding[data-code="mx.null"]');
    assert.equal(await finding.getAttribute('data-severity'), 'warning');
    assert.match(await finding.locator('.finding-message').textContent(), /accepts no email/);
    assert.equal(await finding.locator('a.learn-more').getAttribute('href'), 'https://www.rfc-editor.org/rfc/rfc7505');
    await screenshot(page, 'popup-null-mx');
    await page.close();
  });

  test('a domain that does not exist: broken, and says so', async () => {
    await browser.setSettings(worldSettings());
    const page = await browser.open('popup.html?target=nosuch.test');
    assert.equal(await finalVerdict(page), 'broken');
    assert.equal(await page.locator('#mx-list .mx').count(), 0);
    const finding = page.locator('#findings .finding[data-code="domain.nxdomain"]');
    assert.equal(await finding.getAttribute('data-severity'), 'error');
    assert.match(await finding.locator('.finding-message').textContent(), /nosuch\.test/);
    await page.close();
  });

  test('cancel stops a slow check at once', async () => {
    await browser.setSettings(worldSettings({ ports: [25], connect_timeout: 60, timeout: 120 }));
    const page = await browser.open('popup.html?target=blackhole.bad.test');
    // The MX list arrives first; the probe of the black hole hangs.
    await page.locator('.mx[data-host="mx.blackhole.bad.test"]').waitFor();
    assert.equal(await page.locator('#verdict').getAttribute('data-verdict'), 'checking');
    assert.equal(await page.locator('.mx[data-host="mx.blackhole.bad.test"]').getAttribute('data-state'), 'pending');
    const cancel = page.locator('#cancel-button');
    assert.ok(await cancel.isEnabled());
    const clicked = Date.now();
    await cancel.click();
    assert.equal(await finalVerdict(page, 5000), 'cancelled');
    assert.ok(Date.now() - clicked < 3000, `cancel took ${Date.now() - clicked} ms`);
    await page.locator('#verdict').getByText('Cancelled').first().waitFor();
    assert.ok(await cancel.isDisabled());
    await page.close();
  });

    test('keyboard only, and every control has a name', async () => {
    await browser.setSettings(worldSettings({ ports: [25] }));
    const page = await browser.open('popup.html?target=nullmx.test');
    await finalVerdict(page);
    const unnamed = await page.evaluate(() => [...document.querySelectorAll('input, button, select, textarea, a[href]')]
      .filter((e) => !e.hidden && e.offsetParent !== null)
      .filter((e) => !(e.labels?.length || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby') || e.textContent.trim()))
      .map((e) => e.outerHTML.slice(0, 80)));
    assert.deepEqual(unnamed, []);
    // From the top of the page: Tab until the text field has the focus, type, Enter.
    await page.evaluate(() => document.activeElement?.blur());
    for (let i = 0; i < 10 && !(await page.evaluate(() => document.activeElement?.id === 'target-input')); i++) {
      await page.keyboard.press('Tab');
    }
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'target-input');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('smtp.test');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('#domain')?.textContent === 'smtp.test');
    assert.equal(await finalVerdict(page), 'healthy');
    // The verdict is announced: the status line is a live region.
    assert.equal(await page.locator('#status').getAttribute('aria-live'), 'polite');
    await page.close();
  });

  test('a typed email address checks its domain', async () => {
    await browser.setSettings(worldSettings({ ports: [25] }));
    const page = await browser.open('popup.html?target=nullmx.test');
    await finalVerdict(page);
        await page.locator('#target-input').fill('Jane Doe <jane@smtp.test>');
    await page.locator('#target-input').press('Enter');
    await page.waitForFunction(() => document.querySelector('#domain')?.textContent === 'smtp.test');
    assert.equal(await finalVerdict(page), 'healthy');
    assert.equal(await page.locator('.mx[data-host="mx1.smtp.test"]').count(), 1);
    await page.close();
  });
});
