// The extension's own rules, checked on its source (run by CTest as lint/extension_rules):
// no HTML built from strings, no eval, no remote code, the four permissions and no host
// permissions, a strict CSP, and the fixed identity that the host manifests name.

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
