// The extension's own rules, checked on its source (run by CTest as lint/extension_rules):
// no HTML built from strings, no eval, no remote code, the four permissions and no host
// permissions, a strict CSP, the fixed identity that the host manifests name; and the
// extension's own words: no command-line flag names, and host text made readable.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { EXTENSION_DIR, EXTENSION_ID } from './harness.mjs';

const files = fs.readdirSync(EXTENSION_DIR, { recursive: true }).map(String);
const read = (name) => fs.readFileSync(path.join(EXTENSION_DIR, name), 'utf8');
const manifest = JSON.parse(read('manifest.json'));

test('no HTML from strings, no eval, no remote code', () => {
  for (const name of files.filter((f) => f.endsWith('.js'))) {
    const source = read(name);
    for (const banned of [/\.innerHTML\b/, /\.outerHTML\b/, /insertAdjacentHTML/, /document\.write/, /\beval\(/, /new Function\(/, /import\(\s*['"`]https?:/]) {
      assert.doesNotMatch(source, banned, `${name} uses ${banned}`);
    }
  }
  for (const name of files.filter((f) => f.endsWith('.html'))) {
    const html = read(name);
    assert.doesNotMatch(html, /<script[^>]+src=["']https?:/i, `${name} loads a remote script`);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, `${name} has an inline script`);
    assert.doesNotMatch(html, /\son[a-z]+=/i, `${name} has an inline event handler`);
  }
  assert.ok(!files.some((f) => f.endsWith('.wasm')), 'no WebAssembly');
});

test('minimum permissions and a strict CSP', () => {
  assert.deepEqual([...manifest.permissions].sort(), ['activeTab', 'contextMenus', 'nativeMessaging', 'storage']);
  assert.equal(manifest.host_permissions, undefined);
  assert.equal(manifest.optional_permissions, undefined);
  assert.equal(manifest.manifest_version, 3);
  assert.match(manifest.content_security_policy.extension_pages, /script-src 'self'(;|$)/);
  assert.match(manifest.content_security_policy.extension_pages, /object-src 'none'/);
});

test('the fixed identity the host manifests name', async () => {
  const { createHash } = await import('node:crypto');
  const digest = createHash('sha256').update(Buffer.from(manifest.key, 'base64')).digest('hex').slice(0, 32);
  const id = [...digest].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
  assert.equal(id, EXTENSION_ID);
  const chromium = JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, '../manifests/org.mxhealth.host.chromium.json.in'), 'utf8'));
  assert.deepEqual(chromium.allowed_origins, [`chrome-extension://${EXTENSION_ID}/`]);
  const firefox = JSON.parse(fs.readFileSync(path.join(EXTENSION_DIR, '../manifests/org.mxhealth.host.firefox.json.in'), 'utf8'));
  assert.deepEqual(firefox.allowed_extensions, [manifest.browser_specific_settings.gecko.id]);
  assert.equal(manifest.background.service_worker, 'background.js');  // Chromium
  assert.deepEqual(manifest.background.scripts, ['background.js']);   // Firefox
});

test('no command-line flag names in the extension\'s own text', () => {
  for (const name of files.filter((f) => f.endsWith('.html'))) {
    const text = read(name).replace(/<[^>]*>/g, ' ');
    assert.doesNotMatch(text, /(^|\s)--[a-z][a-z-]+/m, `${name} names a command-line flag`);
  }
  for (const name of files.filter((f) => f.endsWith('.js'))) {
    for (const [i, line] of read(name).split('\n').entries()) {
      if (/^\s*\/\//.test(line)) continue; // comments are for developers
      assert.doesNotMatch(line, /['"`][^'"`\n]*(^|\s)--[a-z][a-z-]+[^'"`\n]*['"`]/, `${name}:${i + 1} names a command-line flag in a string`);
    }
  }
});

test('text from the host, in the extension\'s words', async () => {
  const { arpaToIp, hostText, shortReason } = await import(path.join(EXTENSION_DIR, 'util.js'));
  const reverse = '1.4.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.4.1.0.8.b.d.0.1.0.0.2.ip6.arpa';
  assert.equal(arpaToIp(reverse), '2001:db8:141::141');
  assert.equal(arpaToIp('25.100.51.198.in-addr.arpa.'), '198.51.100.25');
  // Long DNS names are not quoted in full where space is short.
  assert.equal(hostText(`the PTR lookup of ${reverse} timed out`, { compact: true }),
               'the PTR lookup of the reverse name of 2001:db8:141::141 timed out');
  assert.ok(hostText(`x ${reverse}`).includes(reverse), 'the report page keeps the name');
  // Flags become the options' names; library error codes go.
  assert.equal(hostText('the addresses are non-public and --allow-private was given'),
               'the addresses are non-public and non-public addresses are allowed in the options');
  assert.equal(hostText('give a resolver with --resolver (try: mxhealth --help)'), 'give a resolver with the option “DNS resolver”');
  assert.equal(hostText('cannot load the CA file /x: error:80000002:system library::No such file or directory'),
               'cannot load the CA file /x: No such file or directory');
  assert.equal(hostText('Mx1.example.test could not be reached'), 'mx1.example.test could not be reached');
  // One short reason: the first sentence, without what does not fit.
  assert.equal(shortReason('mx1.smtp.test accepts mail. More text follows.'), 'mx1.smtp.test accepts mail');
  assert.equal(shortReason('The address 198.51.100.141 of MX host mx1.bl.test is listed on Spamhaus ZEN (test stand-in) (SBL: spam). Receivers refuse it.'),
               'The address 198.51.100.141 of MX host mx1.bl.test is listed on Spamhaus ZEN');
});
