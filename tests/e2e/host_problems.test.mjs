// When the host cannot be used, the popup says why in plain words, with what to do, and never
// spins forever: not installed, registered for another extension, too old, silent, crashed.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import {
  EXTENSION_ID, HOST_NAME, env, fakeHost as fakeHostIn, finalVerdict, launch, screenshot, worldSettings,
} from './harness.mjs';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mxh-e2e-hosts-'));
after(() => fs.rmSync(scratch, { recursive: true, force: true }));
const fakeHost = (mode) => fakeHostIn(scratch, mode);

async function problemShown(host, { target = 'smtp.test', timeout = 15000, name } = {}) {
  const browser = await launch({ host });
  try {
    await browser.setSettings(worldSettings());
    const page = await browser.open(`popup.html?target=${target}`);
    const started = Date.now();
    const problem = page.locator('#host-problem');
    await problem.waitFor({ state: 'visible', timeout });
    const shown = {
      problem: await problem.getAttribute('data-problem'),
      text: await problem.textContent(),
      verdict: await finalVerdict(page, 2000),
      ms: Date.now() - started,
    };
    if (name) await screenshot(page, name);
    return shown;
  } finally {
    await browser.close();
  }
}

describe('host problems', () => {
  test('no host registered: "not installed", with the install command', async () => {
    const shown = await problemShown('missing', { name: 'popup-host-missing' });
    assert.equal(shown.problem, 'missing');
    assert.equal(shown.verdict, 'error');
    assert.match(shown.text, /not installed/i);
    assert.match(shown.text, /installer\/install\.sh/);
    assert.match(shown.text, /mxhealth doctor/);
  });

  test('registered for another extension: "forbidden", with the fix', async () => {
    const browser = await launch({ host: 'missing' });
    try {
      const dir = path.join(browser.root, 'profile', 'NativeMessagingHosts');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${HOST_NAME}.json`), JSON.stringify({
        name: HOST_NAME, description: 'x', path: env.binary(), type: 'stdio',
        allowed_origins: ['chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/'],
      }));
      await browser.setSettings(worldSettings());
      const page = await browser.open('popup.html?target=smtp.test');
      await page.locator('#host-problem').waitFor({ state: 'visible', timeout: 15000 });
      assert.equal(await page.locator('#host-problem').getAttribute('data-problem'), 'forbidden');
      assert.match(await page.locator('#host-problem').textContent(), /installer\/install\.sh|mxhealth doctor/);
      assert.notEqual(EXTENSION_ID, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
    } finally {
      await browser.close();
    }
  });

  test('a host that speaks an older protocol: "too old"', async () => {
    const shown = await problemShown(fakeHost('old'));
    assert.equal(shown.problem, 'too_old');
    assert.match(shown.text, /installer\/install\.sh/);
  });

  test('a host that never answers: a timeout, not an endless spinner', async () => {
    const shown = await problemShown(fakeHost('silent'), { timeout: 20000 });
    assert.equal(shown.problem, 'timeout');
    assert.ok(shown.ms < 15000, `took ${shown.ms} ms`);
  });

  test('a host that dies during a check: "crashed", and the check ends', async () => {
    const shown = await problemShown(fakeHost('dies'));
    assert.equal(shown.problem, 'crashed');
    assert.match(shown.text, /stopped|crashed|exited/i);
  });

  test('an older host without an assessment: the verdict as before, no dimensions', async () => {
    const browser = await launch({ host: fakeHost('oldreport') });
    try {
      await browser.setSettings(worldSettings());
      for (const page of [await browser.open('popup.html?target=smtp.test'), await browser.open('report.html?target=smtp.test')]) {
        assert.equal(await finalVerdict(page), 'needs_attention');
        assert.match(await page.locator('#headline').textContent(), /does not verify/);
        assert.ok(await page.locator('#dimensions').isHidden());
        assert.equal(await page.locator('#findings .finding[data-code="tls.untrusted"]').getAttribute('data-severity'), 'warning');
        assert.match(await page.locator('.probe[data-port="25"] .probe-status').textContent(),
                     /^Encrypted \(TLS 1\.3\); certificate not trusted/);
        assert.ok(await page.locator('#check-again').isVisible());
        if (page.url().includes('report.html')) assert.ok(await page.locator('#senders-section').isHidden());
      }
      // Without validate_options the options page saves as before.
      const options = await browser.open('options.html');
      await options.locator('#ca-file').fill('/nonexistent/mxh-ca.pem');
      await options.locator('#save').click();
      await options.waitForFunction(() => document.querySelector('#save-status')?.dataset.level === 'ok');
    } finally {
      await browser.close();
    }
  });
});
