// screenshot.mjs: `node tests/browser/screenshot.mjs REPORT.html OUT.png [WIDTH HEIGHT]`, a
// full-page picture of a report page in Debian's chromium (the same launch the browser tests
// use). scripts/report-screenshot.sh uses it to regenerate README's picture.
import { launch, openReport } from './browser_support.mjs';

const [html, png, width = '1280', height = '800'] = process.argv.slice(2);
if (!html || !png) {
  console.error('usage: node tests/browser/screenshot.mjs REPORT.html OUT.png [WIDTH HEIGHT]');
  process.exit(2);
}
const browser = await launch();
try {
  const { page } = await openReport(browser, html, { viewport: { width: Number(width), height: Number(height) } });
  await page.waitForFunction(() => document.body.dataset.selectedStep || !document.querySelector('.step-detail'));
  await page.screenshot({ path: png, fullPage: false });
} finally {
  await browser.close();
}
