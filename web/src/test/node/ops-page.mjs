// Drives the ops page in Debian's headless Chromium (playwright-core) against a running instance and prints what
// it saw as one JSON line; OpsPageBrowserTest judges it. Environment: OPS_BASE_URL, OPS_TOKEN (an admin token,
// typed into the sign-in field, never passed on a command line), OPS_SHORT_CODE (a code just written),
// OPS_ROUTE (a route the background load keeps calling), OPS_SCREENSHOT (where to save the PNG).
import { chromium } from 'playwright-core';

const base = process.env.OPS_BASE_URL;
const token = process.env.OPS_TOKEN;
const shortCode = process.env.OPS_SHORT_CODE;
const loadedRoute = process.env.OPS_ROUTE;
const screenshot = process.env.OPS_SCREENSHOT;
const seen = { requests: [], apiWithoutBearer: [], console: [], pageErrors: [] };

const updates = (page) => page.$eval('#update-count', (counter) => Number(counter.dataset.value));
const connection = (page) => page.$eval('#connection', (state) => state.dataset.state);
const routeCounts = (page) => page.$$eval('[data-testid=route]', (rows) => Object.fromEntries(rows.map((row) =>
  [row.dataset.route, Number(row.querySelector('[data-field=count]').dataset.value)])));

function watch(page) {
  page.on('request', (request) => {
    seen.requests.push(request.url());
    if (new URL(request.url()).pathname.startsWith('/api/')
      && request.headers().authorization !== `Bearer ${token}`) {
      seen.apiWithoutBearer.push(request.url());
    }
  });
  page.on('console', (message) => seen.console.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => seen.pageErrors.push(error.message));
}

async function waitForUpdate(page, after, timeout) {
  await page.waitForFunction((count) => Number(document.getElementById('update-count').dataset.value) > count,
    after, { timeout, polling: 100 });
  return updates(page);
}

// the numbers move: the loaded route's count rises between two live updates
async function watchNumbersMove(page) {
  const firstUpdate = await waitForUpdate(page, 0, 20000);
  const first = { update: firstUpdate, connection: await connection(page), routes: await routeCounts(page) };
  let last = first;
  const moving = Date.now() + 12000;
  while (Date.now() < moving) {
    const update = await waitForUpdate(page, last.update, 6000);
    last = { update, connection: await connection(page), routes: await routeCounts(page) };
    if ((last.routes[loadedRoute] ?? 0) > (first.routes[loadedRoute] ?? 0)) {
      break;
    }
  }
  return { first, last };
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  watch(page);

  // sign in through the field
  await page.goto(`${base}/ops`);
  await page.fill('#token-input', token);
  await page.click('#sign-in-button');
  await page.waitForSelector('#dashboard:not([hidden])', { timeout: 5000 });
  let live = { first: null, last: null, liveFailure: null };
  try {
    live = { ...live, ...await watchNumbersMove(page) };
  } catch (error) {
    live.liveFailure = String(error?.message ?? error);
  }
  const taskMap = await page.$$eval('[data-testid=task-map-application]', (applications) => applications.map(
    (application) => ({
      application: application.dataset.application,
      instances: application.querySelectorAll('[data-testid=task-map-row]').length,
      active: application.querySelectorAll('td[data-role=active]').length,
      standby: application.querySelectorAll('td[data-role=standby]').length,
    })));
  // the key-value store panel: its rows come with the updates, from the instance's kv figures
  let kv = [];
  let kvFailure = null;
  try {
    await page.waitForSelector('[data-testid=kv-store]', { timeout: 5000 });
    kv = await page.$$eval('[data-testid=kv-store]', (rows) => rows.map((row) => {
      const value = (field) => Number(row.querySelector(`[data-field=${field}]`).dataset.value);
      return { store: row.dataset.store, partition: Number(row.dataset.partition), role: row.dataset.role,
        memtableEntries: value('memtableEntries'), sstBytes: value('sstBytes') };
    }));
  } catch (error) {
    kvFailure = String(error?.message ?? error)
      + (await page.$eval('#kv', (panel) => `; the panel shows: ${panel.innerText}`).catch(() => ''));
  }
  const sections = await page.$$eval('main section', (all) => Object.fromEntries(all.map((section) =>
    [section.id, section.innerText.length])));

  // one key's story: the short code written just before
  let story = { owners: [], events: [], error: null };
  const looking = Date.now() + 12000;
  while (Date.now() < looking) {
    await page.selectOption('#key-kind', 'shorturl');
    await page.fill('#key-input', shortCode);
    await page.click('#key-button');
    await page.waitForSelector('[data-testid=key-story-key], [data-testid=key-error]', { timeout: 5000 });
    story = await page.evaluate(() => ({
      key: document.querySelector('[data-testid=key-story-key]')?.textContent ?? null,
      owners: [...document.querySelectorAll('[data-testid=key-owner]')].map((row) => row.dataset.store),
      events: [...document.querySelectorAll('[data-testid=key-event]')].map((row) => row.dataset.topic),
      error: document.querySelector('[data-testid=key-error]')?.textContent ?? null,
    }));
    if (story.events.length > 0) {
      break;
    }
    await page.waitForTimeout(1000);
  }
  await page.screenshot({ path: screenshot, fullPage: true });
  const storage = await page.evaluate(() => JSON.stringify({ local: { ...localStorage },
    session: { ...sessionStorage }, cookie: document.cookie }));
  const afterSignIn = { url: page.url(), title: await page.title() };

  // the fragment: #token=<t> signs in and leaves the address bar
  const second = await context.newPage();
  watch(second);
  await second.goto(`${base}/ops#token=${encodeURIComponent(token)}`);
  await second.waitForSelector('#dashboard:not([hidden])', { timeout: 5000 });
  const fragment = { url: second.url(), historyLength: await second.evaluate(() => history.length) };
  await second.close();

  console.log(JSON.stringify({ ...seen, ...live, taskMap, kv, kvFailure, sections, story, storage, afterSignIn,
    fragment }));
} catch (error) {
  console.log(JSON.stringify({ ...seen, failure: String(error?.stack ?? error) }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
