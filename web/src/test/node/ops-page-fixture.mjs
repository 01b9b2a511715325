// Opens the ops page in headless Chromium (playwright-core) against a server that answers the admin API with the
// fixtures of src/test/resources/ops-page/, and prints what each section drew as one JSON line;
// OpsPageFixtureTest judges it. Environment: OPS_BASE_URL, OPS_TOKEN, OPS_KEY_KIND, OPS_KEY.
import { chromium } from 'playwright-core';

const base = process.env.OPS_BASE_URL;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const problems = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => problems.push(`${message.type()}: ${message.text()}`));
  await page.goto(`${base}/ops#token=${encodeURIComponent(process.env.OPS_TOKEN)}`);
  await page.waitForFunction(() => Number(document.getElementById('update-count').dataset.value) > 0, null,
    { timeout: 10000 });
  await page.waitForSelector('[data-testid=kv-store], [data-testid=kv-error]', { timeout: 5000 });
  await page.selectOption('#key-kind', process.env.OPS_KEY_KIND);
  await page.fill('#key-input', process.env.OPS_KEY);
  await page.click('#key-button');
  await page.waitForSelector('[data-testid=key-story-key], [data-testid=key-error]', { timeout: 5000 });
  await page.click('#key-story details summary');
  const drawn = await page.evaluate(() => {
    const rows = (testid) => [...document.querySelectorAll(`[data-testid=${testid}]`)];
    const texts = (testid) => rows(testid).map((row) => row.innerText.replace(/\s+/g, ' ').trim());
    return {
      url: window.location.href,
      connection: document.getElementById('connection').dataset.state,
      instances: texts('instance'),
      taskMap: rows('task-map-application').map((application) => ({
        application: application.dataset.application,
        rows: [...application.querySelectorAll('[data-testid=task-map-row]')].map((row) => ({
          instance: row.dataset.instance,
          active: row.querySelectorAll('td[data-role=active]').length,
          standby: row.querySelectorAll('td[data-role=standby]').length,
        })),
      })),
      applications: texts('application-total'),
      perInstance: texts('application'),
      lagGroups: texts('lag-group'),
      lagLines: [...document.querySelectorAll('#lag-chart polyline')].map((line) => line.dataset.series),
      routes: rows('route').map((row) => ({ route: row.dataset.route,
        count: Number(row.querySelector('[data-field=count]').dataset.value), text: row.innerText })),
      stores: texts('store'),
      kvInstance: document.querySelector('[data-testid=kv-instance]')?.textContent ?? null,
      kv: texts('kv-store'),
      rateLimit: texts('rate-limit-rule'),
      deadLettersTotal: document.querySelector('[data-testid=dead-letters-total]')?.dataset.value,
      deadLetters: texts('dead-letter'),
      notify: texts('notify-outcome'),
      chat: texts('chat-instance'),
      logged: texts('problem'),
      storyKey: document.querySelector('[data-testid=key-story-key]')?.textContent ?? null,
      storyError: document.querySelector('[data-testid=key-error]')?.textContent ?? null,
      owners: texts('key-owner'),
      events: texts('key-event'),
      state: texts('key-state'),
      injected: document.querySelectorAll('[data-injected]').length,
    };
  });
  console.log(JSON.stringify({ ...drawn, problems }));
} catch (error) {
  console.log(JSON.stringify({ failure: String(error?.stack ?? error), problems }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
