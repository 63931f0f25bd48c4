// Launches a real Chromium with the unpacked extension and the host registered in the
// profile's NativeMessagingHosts directory, inside the test world's network namespace.
// The test process itself runs under `ip netns exec` (see tests/CMakeLists.txt), so Chromium
// and every mxhealth host it starts see only the world's servers.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const EXTENSION_ID = 'epkcmgmaaiimdmlbdkhcifjgiojchicg';
export const HOST_NAME = 'org.mxhealth.host';
const here = path.dirname(fileURLToPath(import.meta.url));
export const EXTENSION_DIR = path.resolve(here, '../../extension');

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (the tests run from CTest: ctest -L e2e)`);
  return value;
}

export const env = {
  binary: () => required('MXHEALTH_BIN'),
  worldState: () => required('MXH_WORLD_STATE'),
  artifacts: () => process.env.MXH_E2E_ARTIFACTS || fs.mkdtempSync(path.join(os.tmpdir(), 'mxh-e2e-artifacts-')),
  chromium: () => process.env.MXH_CHROMIUM || '/usr/bin/chromium',
};

// The extension's settings that point it at the test world (the names of
// extension/settings.js): the world's DNS server, its trust anchor and test CA, and its
// documentation-range addresses, which are "non-public" and so need allow_private.
export function worldSettings(extra = {}) {
  const state = env.worldState();
  return {
    resolver: '127.0.0.1',
    trust_anchor: path.join(state, 'test.ta'),
    ca_file: path.join(state, 'ca.pem'),
    allow_private: true,
    blocklists: [],  // the world's DNS refuses the real lists' zones; blocklist tests name its own
    ...extra,
  };
}

// The host manifest as the installer writes it, here into the profile (Chromium on Linux
// reads <user-data-dir>/NativeMessagingHosts/).
export function writeHostManifest(userDataDir, hostPath) {
  const dir = path.join(userDataDir, 'NativeMessagingHosts');
  fs.mkdirSync(dir, { recursive: true });
  const manifest = {
    name: HOST_NAME,
    description: 'mxhealth: checks whether a domain\'s mail servers really work',
    path: hostPath,
    type: 'stdio',
    allowed_origins: [`chrome-extension://${EXTENSION_ID}/`],
  };
  fs.writeFileSync(path.join(dir, `${HOST_NAME}.json`), JSON.stringify(manifest, null, 2));
}

// A wrapper in `dir` that Chromium can start as the native host: fake_host.py in one of its
// modes, with the variables of `env` set (MXH_FAKE_LOG: where it writes the requests it gets).
export function fakeHost(dir, mode, env = {}) {
  const file = path.join(dir, `host-${mode}.sh`);
  const vars = Object.entries(env).map(([name, value]) => `${name}='${value}' `).join('');
  fs.writeFileSync(file, `#!/bin/sh\n${vars}exec /usr/bin/python3 ${path.join(here, 'fake_host.py')} ${mode} "$@"\n`, { mode: 0o755 });
  return file;
}

// Starts Chromium. `host`: 'registered' (the built binary), 'missing' (no manifest), or a
// path to another executable to register (e.g. a script that exits at once).
export async function launch({
  host = 'registered', colorScheme = 'light', headless = true, extensionDir = EXTENSION_DIR, hostResolverRules = null,
} = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mxh-e2e-'));
  const userDataDir = path.join(root, 'profile');
  fs.mkdirSync(userDataDir);
  if (host === 'registered') writeHostManifest(userDataDir, env.binary());
  else if (host !== 'missing') writeHostManifest(userDataDir, host);

  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: env.chromium(),
        headless,
    colorScheme,
    viewport: { width: 1100, height: 900 },
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(root, 'config'),
      XDG_DATA_HOME: path.join(root, 'data'),  // the host's history lands here
      HOME: root,
    },
    args: [
            ...(headless ? ['--headless=new'] : []), '--no-sandbox', '--disable-gpu', '--disable-quic',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--no-default-browser-check',
            `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      ...(hostResolverRules ? [`--host-resolver-rules=${hostResolverRules}`] : []),
    ],
  });
  let worker = context.serviceWorkers().find((w) => w.url().startsWith(`chrome-extension://${EXTENSION_ID}/`));
  if (!worker) {
    worker = await context.waitForEvent('serviceworker', {
      predicate: (w) => w.url().startsWith(`chrome-extension://${EXTENSION_ID}/`),
      timeout: 15000,
    });
  }
  const browser = {
    root,
    context,
    worker,
    url: (page) => `chrome-extension://${EXTENSION_ID}/${page}`,
    async setSettings(settings) {
      await worker.evaluate((s) => chrome.storage.local.set({ settings: s }), settings);
    },
    async storedSettings() {
      return worker.evaluate(async () => (await chrome.storage.local.get('settings')).settings);
    },
    async open(pageAndQuery) {
      const page = await context.newPage();
      await page.goto(browser.url(pageAndQuery));
      return page;
    },
    async close() {
      await context.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return browser;
}

// Waits until the verdict has one of the final values and returns it.
export async function finalVerdict(page, timeout = 30000) {
  const verdict = page.locator('#verdict');
  await page.waitForFunction(
    () => {
      const v = document.querySelector('#verdict')?.getAttribute('data-verdict');
      return v && v !== 'checking';
    },
    null,
    { timeout },
  );
  return verdict.getAttribute('data-verdict');
}

export async function screenshot(page, name) {
  const dir = env.artifacts();
  fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.png`);
  // The popup as the toolbar shows it: as wide as its own page says, not the test's window.
  if (page.url().includes('/popup.html')) {
    const width = await page.evaluate(() => document.body.scrollWidth);
    await page.setViewportSize({ width, height: 600 });
  }
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
