// The toolbar popup against the test world, as a person sees it: the verdict with its headline
// and the six dimensions, one line per MX that opens to its probes and TLS details, and the
// findings, for a healthy domain, a domain with a dead primary MX, a Null MX domain and a
// domain that does not exist; consistent probe rows; and cancel.

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
    assert.equal(await page.locator('#verdict').getAttribute('data-headline'), 'healthy');
    assert.match(await page.locator('#headline').textContent(), /smtp\.test arrives encrypted/);
    assert.deepEqual(await page.locator('#dimensions .dimension').evaluateAll((els) => els.map((e) => e.dataset.status)),
                     ['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
    // After a result: "Check again" next to "Open full report".
    assert.ok(await page.locator('#check-again').isVisible());
    assert.ok(await page.locator('#open-report').isVisible());

    const rows = page.locator('#mx-list .mx');
    assert.equal(await rows.count(), 2);
    assert.deepEqual(await rows.evaluateAll((els) => els.map((e) => e.dataset.host)),
                     ['mx1.smtp.test', 'mx2.smtp.test']);
    const mx1 = page.locator('.mx[data-host="mx1.smtp.test"]');
    assert.equal(await mx1.getAttribute('data-state'), 'done');
    assert.equal((await mx1.locator('.mx-priority').textContent()).trim().replace(/\D/g, ''), '10');
    // One line per MX host, which opens in place to its addresses and probes.
    assert.match(await mx1.locator('.mx-status').textContent(), /Accepts mail encrypted/);
    assert.ok(!(await mx1.locator('.probe').first().isVisible()));
    await mx1.locator('.mx-head').click();
    assert.ok(await mx1.locator('.probe').first().isVisible());
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
    // Ports in one order: 25, 587, 465.
    assert.deepEqual(await mx1.locator('.address[data-ip="198.51.100.25"] .probe').evaluateAll((els) => els.map((e) => e.dataset.port)),
                     ['25', '587', '465']);
    const probe25 = mx1.locator('.probe[data-port="25"][data-ip="198.51.100.25"]');
    assert.equal(await probe25.locator('.probe-status').textContent(), 'Encrypted (TLS 1.3)');
    // The cipher suite is for the full report, not the popup.
    assert.equal(await probe25.locator('.tls-cipher').count(), 0);
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

  test('a dead primary MX with a working backup: mail arrives, and the headline says so', async () => {
    await browser.setSettings(worldSettings({ ports: [25], connect_timeout: 2, timeout: 10 }));
    const page = await browser.open('popup.html?target=partial.bad.test');
    assert.equal(await finalVerdict(page), 'needs_attention');
    assert.equal(await page.locator('#verdict').getAttribute('data-headline'), 'delivery_degraded');
    assert.match(await page.locator('#headline').textContent(), /Mail arrives, but .*mx\.blackhole\.bad\.test.*backup mx2\.smtp\.test/);
    assert.equal(await page.locator('#dimensions .dimension[data-dimension="delivery"]').getAttribute('data-status'), 'warning');
    const hole = page.locator('.mx[data-host="mx.blackhole.bad.test"]');
    assert.equal(await hole.locator('.probe').getAttribute('data-status'), 'connect_timeout');
    assert.match(await hole.locator('.probe-status').textContent(), /time|respond|answer/i);
    assert.equal(await hole.locator('.mx-status').getAttribute('data-tone'), 'bad');
    assert.match(await hole.locator('.mx-status').textContent(), /Does not answer/);
    const backup = page.locator('.mx[data-host="mx2.smtp.test"]');
    assert.deepEqual([...new Set(await backup.locator('.probe').evaluateAll((els) => els.map((e) => e.dataset.status)))],
                     ['ok']);
    assert.match(await backup.locator('.mx-status').textContent(), /Accepts mail encrypted/);
    const finding = page.locator('#findings .finding-group[data-group="delivery"] .finding[data-code="smtp.connect_timeout"]');
    assert.equal(await finding.getAttribute('data-severity'), 'warning');
    assert.match(await finding.locator('.finding-message').textContent(), /mx\.blackhole\.bad\.test/);
    // The delivery line opens in place to the whole sentence and its problem.
    const delivery = page.locator('#dimensions .dimension[data-dimension="delivery"]');
    assert.ok(!(await delivery.locator('.dimension-findings').isVisible()));
    await delivery.locator('summary').click();
    assert.match(await delivery.locator('.dimension-findings').textContent(), /mx\.blackhole\.bad\.test/);
    await screenshot(page, 'popup-dead-primary');
    await page.close();
  });

  test('a certificate problem is said on the probe row, never next to "TLS ok"', async () => {
    await browser.setSettings(worldSettings({ ports: [25] }));
    for (const [domain, words] of [
      ['expired.bad.test', /^Encrypted \(TLS 1\.3\); certificate expired \d+ days? ago$/],
      ['wrongname.bad.test', /^Encrypted \(TLS 1\.3\); certificate not valid for this name$/],
      ['selfsigned.bad.test', /^Encrypted \(TLS 1\.3\); certificate not trusted \(self-signed certificate\)$/],
    ]) {
      const page = await browser.open(`popup.html?target=${domain}`);
      await finalVerdict(page);
      const probe = page.locator('.probe[data-port="25"]');
      assert.match(await probe.locator('.probe-status').textContent(), words, domain);
      assert.equal(await probe.getAttribute('data-tone'), 'warn', domain);
      assert.doesNotMatch(await page.locator('#mx-list').textContent(), /TLS ok/, domain);
      assert.match(await page.locator('.mx .mx-status-words').textContent(), /^Encrypted; certificate (expired|for another name|not trusted)$/, domain);
      await page.close();
    }
  });

  test('reverse DNS and blocklist problems are shown per address', async () => {
    await browser.setSettings(worldSettings({
      ports: [25], connect_timeout: 2, resolver: '127.0.0.2', blocklists: ['zen.dnsbl.test', 'dbl.dnsbl.test'],
    }));
    const page = await browser.open('popup.html?target=bl.test');
    await finalVerdict(page);
    assert.equal(await page.locator('#dimensions .dimension[data-dimension="reputation"]').getAttribute('data-status'), 'error');
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
    assert.equal(await page.locator('#verdict').getAttribute('data-headline'), 'undeliverable');
    assert.match(await page.locator('#headline').textContent(), /No one can send mail to nosuch\.test/);
    assert.equal(await page.locator('#mx-list .mx').count(), 0);
    const finding = page.locator('#findings .finding[data-code="domain.nxdomain"]');
    assert.equal(await finding.getAttribute('data-severity'), 'error');
    assert.match(await finding.locator('.finding-message').textContent(), /nosuch\.test/);
    await page.close();
  });

  test('"Check again" after every result: "come back later", could not check, a failed option', async () => {
    // A server that says "try again later" (421).
    await browser.setSettings(worldSettings({ ports: [25] }));
    const page = await browser.open('popup.html?target=greet421.bad.test');
    assert.equal(await finalVerdict(page), 'needs_attention');
    const again = page.locator('#check-again');
    assert.ok(await again.isVisible());
    assert.ok(await page.locator('#open-report').isVisible());
    const first = JSON.stringify(await page.locator('#status').textContent());
    await again.click();
    await page.waitForFunction(() => /Checked in/.test(document.querySelector('#status')?.textContent ?? '')
      && document.querySelector('#verdict')?.dataset.verdict !== 'checking');
    assert.ok(await again.isVisible(), `after ${first}`);

    // A resolver that does not answer: could not check.
    await browser.setSettings(worldSettings({ ports: [25], resolver: '127.0.0.1@9', timeout: 3 }));
    await page.locator('#target-input').fill('smtp.test');
    await page.locator('#target-input').press('Enter');
    assert.equal(await finalVerdict(page, 20000), 'could_not_check');
    assert.equal(await page.locator('#verdict').getAttribute('data-headline'), 'could_not_check');
    assert.ok(await again.isVisible());

    // A CA file that does not exist: says which option, in words, once, with a link to the
    // options; no full report to open.
    await browser.setSettings(worldSettings({ ports: [25], ca_file: '/nonexistent/mxh-ca.pem' }));
    await again.click();
    assert.equal(await finalVerdict(page), 'error');
    assert.equal(await page.locator('#verdict').getAttribute('data-option'), 'ca_file');
    const headline = await page.locator('#headline').textContent();
    assert.match(headline, /The option “Extra trusted CA certificates” cannot be used: .*\/nonexistent\/mxh-ca\.pem/);
    assert.doesNotMatch(headline, /error:[0-9A-F]{8}|--ca-file/);
    assert.doesNotMatch(await page.locator('#status').textContent(), /mxh-ca\.pem/);
    assert.ok(await again.isVisible());
    assert.ok(!(await page.locator('#open-report').isVisible()));
    const link = page.locator('#verdict .verdict-action a.options-link');
    assert.ok(await link.isVisible());
    await screenshot(page, 'popup-option-problem');
    const opened = browser.context.waitForEvent('page', { timeout: 10000 });
    await link.click();
    const options = await opened;
    await options.waitForLoadState('domcontentloaded');
    assert.match(options.url(), /\/options\.html$/);
    await options.close();
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
