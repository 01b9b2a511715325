// Keeps N signed-in ops pages open in one headless Chromium for S seconds (the ops page's cost benchmark,
// docs/benchmarks/ops-page-cost.sh). Environment: OPS_BASE_URL, OPS_TOKEN, OPS_PAGES, OPS_SECONDS.
import { chromium } from 'playwright-core';

const base = process.env.OPS_BASE_URL;
const pages = Number(process.env.OPS_PAGES ?? 3);
const seconds = Number(process.env.OPS_SECONDS ?? 60);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
try {
  const opened = [];
  for (let i = 0; i < pages; i += 1) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${base}/ops#token=${encodeURIComponent(process.env.OPS_TOKEN)}`);
    await page.waitForFunction(() => Number(document.getElementById('update-count').dataset.value) > 0,
      null, { timeout: 90000 });
    opened.push(page);
  }
  console.log(`${pages} pages open and live`);
  // the signal to the script that the measured window starts
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const counts = await Promise.all(opened.map((page) => page.$eval('#update-count', (c) => c.dataset.value)));
  const states = await Promise.all(opened.map((page) => page.$eval('#connection', (c) => c.dataset.state)));
  console.log(`updates per page: ${counts.join(', ')}; states: ${states.join(', ')}`);
} finally {
  await browser.close();
}
