// The story the popup and the report page tell, for every kind of domain in the test world
// (issue 19): on a popup of the real size (its own width × 600 px) the verdict, the six
// dimensions and the first MX line are on the first screen without scrolling; the headline is
// the report's `assessment.headline.text`; the report page shows the same headline and the
// same dimension statuses; no command-line flag names; and a screenshot of each page, light
// and dark, for a reviewer (MXH_E2E_ARTIFACTS).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { env, finalVerdict, launch, screenshot, worldSettings } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const POPUP_HEIGHT = 600;
const DIMENSION_KEYS = ['delivery', 'encryption', 'authentication', 'sender_policies', 'reputation', 'dns_integrity'];

// The world's cases: DNS, SMTP, certificates, DANE, DNSSEC, MTA-STS, SPF/DMARC and the issue-19
// sender rules (tests/world/README.md).
const DOMAINS = [
  'smtp.test', 'healthy.test', 'nullmx.test', 'nosuch.test', 'noaddr.test', 'ptr.test',
  'expired.bad.test', 'selfsigned.bad.test', 'wrongname.bad.test', 'nostarttls.bad.test', 'greet421.bad.test',
  'danebad.test', 'bogus.test', 'spfnone.test',
  'stsnopolicy.test', 'stsbad.test', 'stswrongcert.test', 'stsnotxt.test', 'stsuncovered.test', 'ststesting.test',
  'sts404.test', 'stsmxcert.test', 'stsnone.test',
  'deadprimary.test', 'daneexpired.test', 'danewrongname.test', 'danetawrongname.test', 'danetagood.test',
  'danehalf.test', 'sigexpired.test', 'stsexpired.test', 'ststestingexpired.test',
];
// Asked through the DNS proxy with the world's own blocklists (the real lists' zones are refused).
const BLOCKLIST_DOMAINS = ['bl.test', 'listed.test'];

// Whether the running world has the domain: an owner name in its zone test. (or a delegated
// child zone of its own). Domains another engineer is still adding are skipped until they exist.
function worldZone() {
  for (const file of [path.join(env.worldState(), 'zones', 'test.zone'), path.join(here, '../world/zones/test.zone')]) {
    if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8');
  }
  return '';
}
function worldHas(domain, zone) {
  if (domain === 'nosuch.test') return true;
  if (fs.existsSync(path.join(env.worldState(), 'zones', `${domain}.zone`))) return true;
  const label = domain.replace(/\.test$/, '').replace(/\./g, '\\.');
  return new RegExp(`^${label}\\s`, 'm').test(zone);
}

// The report behind the popup, as "Copy JSON" hands it over.
async function popupReport(page) {
  await page.evaluate(() => {
    window.copiedReport = null;
    navigator.clipboard.writeText = async (text) => { window.copiedReport = text; };
  });
  await page.locator('#copy-json').click();
  await page.waitForFunction(() => window.copiedReport !== null);
  return JSON.parse(await page.evaluate(() => window.copiedReport));
}

// Every box inside the viewport, with the page not scrolled.
async function assertOnFirstScreen(page, selectors, label) {
  const viewport = page.viewportSize();
  assert.equal(await page.evaluate(() => window.scrollY), 0, `${label}: the page is scrolled`);
  for (const [name, locator] of selectors) {
    const box = await locator.boundingBox();
    assert.ok(box, `${label}: ${name} is not shown`);
    assert.ok(box.y >= 0 && box.y + box.height <= viewport.height + 0.5,
      `${label}: ${name} is at y ${Math.round(box.y)}–${Math.round(box.y + box.height)}, outside the first ${viewport.height} px`);
    assert.ok(box.x >= 0 && box.x + box.width <= viewport.width + 0.5,
      `${label}: ${name} is at x ${Math.round(box.x)}–${Math.round(box.x + box.width)}, outside the popup's ${viewport.width} px`);
  }
}

async function assertNoFlags(page, label) {
  const text = await page.evaluate(() => document.body.innerText);
  assert.doesNotMatch(text, /(^|[\s(“"])--[a-z][a-z-]+/m, `${label}: a command-line flag in the page`);
  assert.doesNotMatch(text, /error:[0-9A-F]{8}:/, `${label}: a library error code in the page`);
}

async function checkDomain(browser, domain) {
  const popup = await browser.context.newPage();
  try {
    await popup.setViewportSize({ width: 460, height: POPUP_HEIGHT });
    await popup.goto(browser.url(`popup.html?target=${encodeURIComponent(domain)}`));
    // The popup as the toolbar shows it: as wide as its own page, 600 px high.
    const width = await popup.evaluate(() => Math.ceil(document.body.getBoundingClientRect().width));
    await popup.setViewportSize({ width, height: POPUP_HEIGHT });
    const verdict = await finalVerdict(popup, 45000);

    // The first screen: the verdict with its headline, the six dimensions, the first MX line.
    const dims = popup.locator('#dimensions .dimension');
    assert.deepEqual(await dims.evaluateAll((els) => els.map((e) => e.dataset.dimension)), DIMENSION_KEYS);
    const firstMx = popup.locator('#mx-list > li').first();
    const firstMxLine = (await firstMx.locator('.mx-head').count()) ? firstMx.locator('.mx-head') : firstMx;
    await assertOnFirstScreen(popup, [
      ['the verdict', popup.locator('#verdict .verdict-head')],
      ['the headline', popup.locator('#headline')],
      ...DIMENSION_KEYS.map((key, i) => [`the dimension ${key}`, dims.nth(i).locator('.dimension-line')]),
      ['the first MX line', firstMxLine],
      ['"Check again"', popup.locator('#check-again')],
      ['"Open full report"', popup.locator('#open-report')],
    ], `popup ${domain}`);
    assert.ok(await popup.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      `popup ${domain}: scrolls sideways`);

    await screenshot(popup, `story-popup-${domain}-light`);
    await popup.emulateMedia({ colorScheme: 'dark' });
    await screenshot(popup, `story-popup-${domain}-dark`);

    // The same story as the report (taken after the measuring and the pictures: the click
    // scrolls the page and changes the status line).
    const report = await popupReport(popup);
    assert.equal(report.domain, domain);
    assert.ok(report.assessment, `${domain}: the host sent no assessment`);
    assert.equal(verdict, report.verdict);
    assert.equal(await popup.locator('#headline').textContent(), report.assessment.headline.text);
    assert.equal(await popup.locator('#verdict').getAttribute('data-headline'), report.assessment.headline.kind);
    const popupStatuses = await dims.evaluateAll((els) => els.map((e) => e.dataset.status));
    assert.deepEqual(popupStatuses, DIMENSION_KEYS.map((k) => report.assessment.dimensions[k].status));
    // A non-public range is said once, in the findings, not per address.
    assert.equal(await popup.locator('.ip-range').count(), 0);
    assert.ok(await popup.locator('#findings .finding[data-code="mx.non_public_address"]').count() <= 1);
    await assertNoFlags(popup, `popup ${domain}`);

    // The report page: the result of the same check, from the host's cache.
    const page = await browser.context.newPage();
    try {
      await page.goto(browser.url(`report.html?target=${encodeURIComponent(domain)}`));
      assert.equal(await finalVerdict(page, 45000), report.verdict);
      assert.equal(await page.locator('#headline').textContent(), report.assessment.headline.text);
      const statuses = await page.locator('#dimensions .dimension').evaluateAll(
        (els) => els.map((e) => [e.dataset.dimension, e.dataset.status]));
      assert.deepEqual(statuses, DIMENSION_KEYS.map((k) => [k, report.assessment.dimensions[k].status]));
      if (report.senders) {
        const kinds = await page.locator('#senders .sender').evaluateAll((els) => els.map((e) => [e.dataset.kind, e.dataset.outcome]));
        assert.deepEqual(kinds, ['opportunistic', 'dnssec_validating', 'dane', 'mta_sts'].map((k) => [k, report.senders[k].outcome]));
      }
      // Findings grouped by dimension, each where its `dimension` says; notes folded.
      const grouped = await page.locator('#findings .finding-group').evaluateAll((groups) => groups.map((g) => [
        g.dataset.group, [...g.querySelectorAll('.finding')].map((f) => f.dataset.code)]));
      for (const f of report.findings.filter((x) => x.severity !== 'info')) {
        assert.ok(grouped.some(([group, codes]) => group === f.dimension && codes.includes(f.code)),
          `report ${domain}: ${f.code} is not under ${f.dimension}`);
      }
      assert.equal(await page.locator('#findings details.notes[open]').count(), 0);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
        `report ${domain}: scrolls sideways`);
      await assertNoFlags(page, `report ${domain}`);
      await screenshot(page, `story-report-${domain}-light`);
      await page.emulateMedia({ colorScheme: 'dark' });
      await screenshot(page, `story-report-${domain}-dark`);
    } finally {
      await page.close();
    }
    return report;
  } finally {
    await popup.close();
  }
}

describe('the story of every world domain, popup and report page', { concurrency: 3 }, () => {
  let browser;
  const zone = worldZone();
  before(async () => {
    browser = await launch();
    // Short timeouts: the black hole of deadprimary.test and partial.bad.test answers nothing.
    await browser.setSettings(worldSettings({ connect_timeout: 3, greeting_timeout: 5 }));
  });
  after(async () => {
    await browser?.close();
  });
  for (const domain of DOMAINS) {
    test(domain, async (t) => {
      if (!worldHas(domain, zone)) {
        t.skip(`the test world has no ${domain} yet`);
        return;
      }
      await checkDomain(browser, domain);
    });
  }
});

describe('the story of the blocklist domains', { concurrency: 2 }, () => {
  let browser;
  before(async () => {
    browser = await launch();
    await browser.setSettings(worldSettings({
      connect_timeout: 3, resolver: '127.0.0.2', blocklists: ['zen.dnsbl.test', 'dbl.dnsbl.test'],
    }));
  });
  after(async () => {
    await browser?.close();
  });
  for (const domain of BLOCKLIST_DOMAINS) {
    test(domain, async () => {
      const report = await checkDomain(browser, domain);
      if (domain !== 'bl.test') return;
      // The lists that could not answer: one line per cause, not one per list and address.
      const page = await browser.open('report.html?target=bl.test');
      try {
        await finalVerdict(page);
        const causes = new Set();
        for (const r of report.mx_records) {
          for (const a of r.addresses) {
            for (const b of a.blocklists) {
              if (b.status !== 'listed' && b.status !== 'not_listed') causes.add(b.reason.split(/;\s*result unknown/i)[0].replace(/\s*\([^)]*\)/g, ''));
            }
          }
        }
        const lines = page.locator('#findings .finding-group[data-group="reputation"] .finding[data-code="dnsbl.unknown"]');
        assert.equal(await lines.count(), causes.size);
        assert.match(await lines.allTextContents().then((t) => t.join('\n')), /could not be asked through your resolver: Spamhaus ZEN.*; result unknown/);
      } finally {
        await page.close();
      }
    });
  }
});
