// The check options' defaults and limits are the host's (issue 11): the extension holds none of
// its own. On its source: none of the numbers and zone names of the host's option table (its
// hello, capabilities.options) is written in the settings code, and the default ports are
// written nowhere. In a browser, with a stand-in host whose table has other defaults and
// limits: the options page shows and enforces that table's, a check sends only what the user
// chose and shows the probes in the host's order of ports; and without a host the options
// page says so and still edits what was saved.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EXTENSION_DIR, env, fakeHost, finalVerdict, launch } from './harness.mjs';

// The files that read, show, check or send the settings.
const SETTINGS_CODE = ['settings.js', 'options.js', 'options.html', 'background.js', 'client.js', 'native.js'];

// The hello of the real host (MXHEALTH_BIN), asked on its standard input.
function realHello() {
  const body = Buffer.from(JSON.stringify({ id: 1, type: 'hello', params: {} }));
  const header = Buffer.alloc(4);
  if (os.endianness() === 'LE') header.writeUInt32LE(body.length); else header.writeUInt32BE(body.length);
  const run = spawnSync(env.binary(), ['native'], { input: Buffer.concat([header, body]), timeout: 10000 });
  const out = run.stdout;
  const length = os.endianness() === 'LE' ? out.readUInt32LE(0) : out.readUInt32BE(0);
  return JSON.parse(out.subarray(4, 4 + length).toString('utf8'));
}

// A file of extension/ without its comments (they are for developers and may name values).
function code(name) {
  const text = fs.readFileSync(path.join(EXTENSION_DIR, name), 'utf8');
  if (name.endsWith('.html')) return text.replace(/<!--[\s\S]*?-->/g, '');
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
}

describe('the extension holds no option default or limit of its own', () => {
  const hello = realHello();
  const entries = [...(hello.capabilities?.options ?? []), ...(hello.capabilities?.request_options ?? [])];

  test('the host advertises its option table', () => {
    assert.ok(Array.isArray(hello.capabilities?.options) && hello.capabilities.options.length, 'no capabilities.options in the hello');
    for (const name of ['ports', 'timeout', 'blocklists']) assert.ok(entries.some((e) => e.name === name), name);
  });

  test('no number of the table in the settings code', () => {
    const numbers = new Set();
    for (const e of entries) {
      for (const key of ['default', 'minimum', 'maximum', 'min_items', 'max_items', 'max_length']) {
        for (const v of [e[key]].flat()) if (typeof v === 'number') numbers.add(v);
      }
    }
    // 0 and 1 are every program's numbers (indexes, "more than one"); the rest are the table's.
    const wanted = [...numbers].filter((n) => n >= 2);
    assert.ok(wanted.length > 5, `numbers of the table: ${wanted}`);
    for (const name of SETTINGS_CODE) {
      const source = code(name);
      for (const n of wanted) {
        const at = new RegExp(`(?<![\\w.-])${n}(?!\\w|\\.\\d)`).exec(source);
        assert.ok(!at, `${name} writes ${n}, a default or limit of the host's option table: …${at && source.slice(Math.max(0, at.index - 40), at.index + 20)}…`);
      }
    }
  });

  test('no default zone anywhere, and the default ports as a list nowhere', () => {
    const zones = entries.find((e) => e.name === 'blocklists').default;
    const ports = entries.find((e) => e.name === 'ports').default;
    assert.ok(zones.length && ports.length);
    const portList = new RegExp(`\\[\\s*${ports.join('\\s*,\\s*')}\\s*\\]`);
    const files = fs.readdirSync(EXTENSION_DIR).filter((f) => /\.(js|html)$/.test(f));
    for (const name of files) {
      const source = code(name);
      for (const zone of zones) assert.ok(!source.toLowerCase().includes(zone.toLowerCase()), `${name} names the default blocklist ${zone}`);
      assert.doesNotMatch(source, portList, `${name} writes the default ports`);
    }
  });
});

// A page of the extension, with the errors it throws collected.
async function openPage(browser, pageAndQuery) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(browser.url(pageAndQuery));
  return { page, errors };
}

describe('a host with other defaults and limits', () => {
  let browser;
  let scratch;
  let requests;
  before(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mxh-e2e-table-'));
    requests = path.join(scratch, 'requests.jsonl');
    browser = await launch({ host: fakeHost(scratch, 'table', { MXH_FAKE_LOG: requests }) });
  });
  after(async () => {
    await browser?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('the options page shows the host\'s defaults and limits and enforces them', async () => {
    await browser.setSettings({});
    const { page, errors } = await openPage(browser, 'options.html');
    await page.locator('#helper-status').getByText(/Connected to mxhealth/).waitFor();
    await page.locator('input[name="port"][value="587"]').waitFor();
    // Defaults: the host's, for every field.
    assert.equal(await page.locator('#opt-timeout').getAttribute('placeholder'), '42');
    assert.equal(await page.locator('#opt-timeout').inputValue(), '');
    assert.match(await page.locator('#timeout-hint').textContent(), /^1–99 s, default 42 s$/);
    assert.match(await page.locator('#connect_timeout-hint').textContent(), /^2–50 s, default 7 s$/);
    assert.deepEqual(await page.locator('input[name="port"]').evaluateAll((els) => els.map((e) => [e.value, e.checked])),
                     [['587', true], ['25', true]]);
    assert.deepEqual(await page.locator('input[name="blocklist"]').evaluateAll((els) => els.map((e) => [e.value, e.checked])),
                     [['one.dnsbl.test', true], ['two.dnsbl.test', true]]);
    assert.ok(await page.locator('#allow-private').isChecked(), 'the host\'s default: true');
    assert.ok(!(await page.locator('#history').isChecked()), 'the host\'s default: false');
    assert.match(await page.locator('#ports-custom-hint').textContent(), /At most 3 ports in all/);
    assert.match(await page.locator('#helper-status').textContent(), /Default ports: 587, 25\./);

    // Limits: the host's, with its numbers in the message.
    await page.locator('#opt-timeout').fill('100');
    await page.locator('#ports-custom').fill('26, 27');
    await page.locator('#save').click();
    await page.waitForFunction(() => document.querySelector('#save-status')?.dataset.level === 'bad');
    assert.equal(await page.locator('#timeout-error').textContent(), 'A whole number of seconds from 1 to 99.');
    assert.equal(await page.locator('#ports-error').textContent(), 'At most 3 ports in all.');
    assert.equal(await page.locator('#opt-timeout').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(await browser.storedSettings(), {}, 'nothing was saved');

    // Within them: saved, and only what was chosen.
    await page.locator('#opt-timeout').fill('99');
    await page.locator('#ports-custom').fill('');
    await page.locator('#save').click();
    await page.waitForFunction(() => document.querySelector('#save-status')?.dataset.level === 'ok');
    assert.deepEqual(await browser.storedSettings(), { timeout: 99 });

    // A choice equal to the host's default is no choice; "Restore defaults" forgets every one.
    const save = async () => {
      await page.evaluate(() => { document.querySelector('#save-status').dataset.level = ''; });
      await page.locator('#save').click();
      await page.waitForFunction(() => document.querySelector('#save-status')?.dataset.level === 'ok');
    };
    await page.locator('#allow-private').uncheck();
    await page.locator('#allow-private').check();
    await save();
    assert.deepEqual(await browser.storedSettings(), { timeout: 99 });
    await page.locator('#reset').click();
    assert.equal(await page.locator('#opt-timeout').inputValue(), '');
    assert.ok(await page.locator('#allow-private').isChecked());
    await save();
    assert.deepEqual(await browser.storedSettings(), {});
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('a check sends only the options the user chose, and shows the ports in the host\'s order', async () => {
    await browser.setSettings({ timeout: 99, history: true });
    fs.rmSync(requests, { force: true });
    const { page, errors } = await openPage(browser, 'popup.html?target=smtp.test');
    // The dns message names the ports to probe: 1 address × 3 ports.
    await page.waitForFunction(() => /^2 of 3 probes done$/.test(document.querySelector('.mx-progress')?.textContent ?? ''));
    assert.deepEqual(await page.locator('.probe').evaluateAll((els) => els.map((e) => e.dataset.port)), ['25', '26']);
    assert.equal(await finalVerdict(page), 'needs_attention');
    // The host's default ports first, in its order (587, 25), then the others ascending.
    assert.deepEqual(await page.locator('.probe').evaluateAll((els) => els.map((e) => e.dataset.port)), ['587', '25', '26']);
    const checks = fs.readFileSync(requests, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.type === 'check');
    assert.equal(checks.length, 1);
    assert.deepEqual(checks[0].params.options, { timeout: 99, history: true });

    // The copied summary lists the ports in the same order.
    await page.evaluate(() => {
      window.copied = null;
      navigator.clipboard.writeText = async (text) => { window.copied = text; };
    });
    await page.locator('#copy-summary').click();
    await page.waitForFunction(() => window.copied !== null);
    const summary = await page.evaluate(() => window.copied);
    const at = (port) => summary.indexOf(`port ${port}:`);
    assert.ok(at(587) >= 0 && at(587) < at(25) && at(25) < at(26), summary);
    assert.deepEqual(errors, []);
    await page.close();
  });
});

describe('no host', () => {
  let browser;
  before(async () => {
    browser = await launch({ host: 'missing' });
  });
  after(async () => {
    await browser?.close();
  });

  test('the options page says so, and still shows and edits what was saved', async () => {
    await browser.setSettings({ timeout: 77, allow_private: true, ports: [25], blocklists: [] });
    const { page, errors } = await openPage(browser, 'options.html');
    await page.locator('#helper-status .host-problem[data-problem="missing"]').waitFor();
    assert.match(await page.locator('#helper-status').textContent(), /saved in this browser are shown below and can be changed/);
    assert.equal(await page.locator('#opt-timeout').inputValue(), '77');
    assert.ok(await page.locator('#allow-private').isChecked());
    // Not chosen, and no host to say its default.
    assert.equal(await page.locator('#history').evaluate((e) => e.indeterminate), true);
    assert.equal(await page.locator('input[name="port"]').count(), 0);
    assert.equal(await page.locator('#ports-custom').inputValue(), '25');
    assert.equal(await page.locator('#ports-custom-label').textContent(), 'Ports');

    await page.locator('#opt-timeout').fill('50');
    await page.locator('#save').click();
    await page.waitForFunction(() => document.querySelector('#save-status')?.dataset.level === 'ok');
    // What was not touched stays as it was saved (the empty list of blocklists too).
    assert.deepEqual(await browser.storedSettings(), { timeout: 50, allow_private: true, ports: [25], blocklists: [] });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
