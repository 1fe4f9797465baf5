// Drives the management web UI in headless Chromium: a wrong password is refused, the right
// one logs in, the overview charts get samples, and a message published through the queue
// page's form shows up in the queue's message count and in "Get messages".
//
// Environment:
//   UI_URL     where the UI is served (e.g. http://127.0.0.1:15672/), or
//   WWW_DIR + API_URL   serve WWW_DIR here and forward /api/ to API_URL (for a management
//                       server that does not serve the UI itself)
//   QUEUE      an existing, empty queue in vhost "/" to publish to
//   UI_USER, UI_PASSWORD   credentials (default guest/guest)
//   CHROMIUM   the browser (default /usr/bin/chromium)
// Prints one "ok - ..." line per step and ends with "ui-test: all N steps passed"; exits 1 on
// failure (after "not ok - ..." and what the page showed).

import { chromium } from 'playwright-core';
import { createServer, request } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { tmpdir } from 'node:os';

const queue = process.env.QUEUE;
const user = process.env.UI_USER || 'guest';
const password = process.env.UI_PASSWORD || 'guest';
const TIMEOUT = 15_000;

if (!queue) {
  console.error('QUEUE is required');
  process.exit(2);
}

let passed = 0;
async function step(name, body) {
  await body();
  passed++;
  console.log(`ok - ${name}`);
}

const server = process.env.UI_URL ? null : await serveWithProxy(process.env.WWW_DIR, process.env.API_URL);
const uiUrl = process.env.UI_URL || `http://127.0.0.1:${server.address().port}/`;
const profile = await mkdtemp(join(tmpdir(), 'warren-ui-chromium-'));
// a fresh profile (--user-data-dir) each run: Playwright passes it to Chromium itself
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

let failure = null;
let page = null;
try {
  page = await browser.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('dialog', (dialog) => dialog.accept());
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // what the server's Content-Security-Policy blocks is a page error too (the UI must live within it)
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) pageErrors.push(m.text());
  });

  await step('the login form is shown', async () => {
    await page.goto(uiUrl);
    await page.getByTestId('login-form').waitFor();
  });

  await step('a wrong password is refused', async () => {
    await page.getByTestId('login-username').fill(user);
    await page.getByTestId('login-password').fill(`${password}-wrong`);
    await page.getByTestId('login-submit').click();
    await expectText(page.getByTestId('login-error'), 'Login failed');
  });

  await step('the right password opens the overview', async () => {
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('totals').waitFor();
    await expectText(page.locator('#whoami'), user);
  });

  await step('the overview charts message rates', async () => {
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-rates"]')?.dataset.samples) >= 1);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="chart-queued"]')?.dataset.samples) >= 1);
  });

  // rows are keyed "vhost/name": vhost "/" gives "//name"
  const row = page.locator(`[data-testid="queues"] tr[data-key="//${queue}"]`);
  await step(`the queues page lists ${queue} with no messages`, async () => {
    await page.locator('#nav a[data-page="queues"]').click();
    await expectText(row.locator('td[data-col="messages"]'), '0');
  });

  await step('a message published through the queue page is counted', async () => {
    await row.getByRole('link', { name: queue }).click();
    await page.getByTestId('publish-payload').fill('hello from the web UI');
    await page.getByTestId('publish-submit').click();
    await expectText(page.getByTestId('flash-ok').last().locator('span'), 'Message published.');
    await expectText(page.locator('[data-testid="queue-summary"] dd[data-count="messages"]'), '1');
  });

  await step('the queues list shows the new count', async () => {
    await page.locator('#nav a[data-page="queues"]').click();
    await expectText(row.locator('td[data-col="messages"]'), '1');
  });

  await step('"Get messages" shows the payload and requeues it', async () => {
    await row.getByRole('link', { name: queue }).click();
    await page.getByTestId('get-submit').click();
    await expectText(page.getByTestId('message-payload').first(), 'hello from the web UI');
    await expectText(page.locator('[data-testid="queue-summary"] dd[data-count="messages"]'), '1');
  });

  await step('no script errors', async () => {
    if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join('; ')}`);
  });
} catch (e) {
  failure = e;
  // what the user would have seen, for the log
  const seen = await page?.evaluate(() => `flash: ${document.getElementById('flash')?.innerText}\n`
    + `page: ${document.getElementById('main')?.innerText.slice(0, 2000)}`).catch(() => '');
  console.error(seen);
} finally {
  await browser.close();
  server?.close();
  await rm(profile, { recursive: true, force: true });
}

if (failure) {
  console.log(`not ok - ${failure.message.split('\n')[0]}`);
  console.error(failure);
  console.log(`ui-test: ${passed} steps passed, then one failed`);
  process.exit(1);
}
console.log(`ui-test: all ${passed} steps passed`);

/** Waits until the element's text (trimmed) is exactly `text`. */
async function expectText(locator, text) {
  const deadline = Date.now() + TIMEOUT;
  let last = null;
  while (Date.now() < deadline) {
    last = (await locator.textContent({ timeout: TIMEOUT }).catch(() => null))?.trim();
    if (last === text) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`expected "${text}" but saw "${last}"`);
}

/** Serves `dir` and forwards /api/ to `api`: the UI and its API on one origin, as in production. */
async function serveWithProxy(dir, api) {
  if (!dir || !api) {
    console.error('set UI_URL, or WWW_DIR and API_URL');
    process.exit(2);
  }
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };
  const target = new URL(api);
  const s = createServer(async (req, res) => {
    if (req.url.startsWith('/api/')) {
      const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode, answer.headers);
          answer.pipe(res);
        });
      upstream.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
      req.pipe(upstream);
      return;
    }
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(dir, path.endsWith('/') ? `${path}index.html` : path));
      res.writeHead(200, { 'Content-Type': types[extname(path) || '.html'] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
  return s;
}
