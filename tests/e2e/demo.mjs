// The demo behind tests/world/demo.sh: Chromium with the extension, pointed at the test
// world, showing the popup and the full report. With a display it opens a window and waits
// until you close it; without one it saves screenshots and says where.

import fs from 'node:fs';
import { launch, finalVerdict, screenshot, worldSettings } from './harness.mjs';

const headless = !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const browser = await launch({ headless });
await browser.setSettings(worldSettings({ connect_timeout: 3 }));
const domains = ['smtp.test', 'partial.bad.test', 'nullmx.test', 'nostarttls.bad.test', 'expired.bad.test'];
console.log(`demo: the world's domains to try: ${domains.join(', ')} (tests/world/README.md lists them all)`);
const popup = await browser.open('popup.html?target=smtp.test');
const report = await browser.open('report.html?target=partial.bad.test');
if (headless) {
  await finalVerdict(popup);
  await finalVerdict(report, 60000);
  console.log(`demo: no display; screenshots:\n  ${await screenshot(popup, 'demo-popup')}\n  ${await screenshot(report, 'demo-report')}`);
  await browser.close();
} else {
  console.log('demo: close the browser window to end the demo');
  await new Promise((resolve) => browser.context.on('close', resolve));
  fs.rmSync(browser.root, { recursive: true, force: true });
}
