'use strict';
// Shared setup for the end-to-end specs: one headless Chromium (Debian's, not a Playwright
// download) per spec file, a fresh browser context per test, a screenshot and the page's HTML
// in playwright/.artifacts/ when a test fails.

const fs = require('node:fs');
const path = require('node:path');
const { before, after, test } = require('node:test');
const { chromium } = require('playwright-core');

const ARTIFACTS_DIR = path.join(__dirname, '..', '.artifacts');

/** Per-action and per-navigation timeouts (ms); a test as a whole gets TEST_TIMEOUT_MS. */
const ACTION_TIMEOUT_MS = 15_000;
const NAVIGATION_TIMEOUT_MS = 30_000;
const TEST_TIMEOUT_MS = 90_000;

/** The server under test, from PROCTORWISE_URL, without a trailing slash. */
function baseUrl() {
  const raw = process.env.PROCTORWISE_URL;
  if (!raw || !raw.trim()) {
    throw new Error(
      'PROCTORWISE_URL is not set: point it at a running ProctorWise server, ' +
        'e.g. PROCTORWISE_URL=http://127.0.0.1:8080 (deploy/lib/e2e.sh starts one and sets it)',
    );
  }
  let url;
  try {
    url = new URL(raw.trim());
  } catch (e) {
    throw new Error(`PROCTORWISE_URL is not a valid URL: ${JSON.stringify(raw)}`);
  }
  return url.href.replace(/\/+$/, '');
}

/** Command-line switches for Chromium in a container without GPU, network or camera. */
function chromiumArgs(webcamY4m = process.env.FAKE_WEBCAM_Y4M) {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
  ];
  if (webcamY4m) {
    args.push(`--use-file-for-fake-video-capture=${webcamY4m}`);
  }
  return args;
}

/** Launches Chromium (CHROMIUM_PATH, else /usr/bin/chromium), its camera fed by `webcamY4m`. */
async function launchBrowser(webcamY4m) {
  const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}: install Debian's chromium package ` +
        '(apt-get install chromium) or set CHROMIUM_PATH',
    );
  }
  return chromium.launch({ executablePath, headless: true, args: chromiumArgs(webcamY4m) });
}

/**
 * A new, isolated browser context (own cookies) with an English locale and baseURL set;
 * `options` are extra Playwright context options (e.g. `timezoneId`).
 */
async function newContext(browser, options = {}) {
  const context = await browser.newContext({ locale: 'en-US', baseURL: baseUrl(), ...options });
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
  return context;
}

function slug(text) {
  return text
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
}

/** Saves a screenshot and the HTML of `page` for a failed test; never throws. */
async function saveFailureArtifacts(page, name) {
  try {
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const base = path.join(ARTIFACTS_DIR, `${slug(name)}-${Date.now()}`);
    await page.screenshot({ path: `${base}.png`, fullPage: true, timeout: 10_000 });
    fs.writeFileSync(`${base}.html`, `<!-- ${page.url()} -->\n${await page.content()}`);
    process.stderr.write(`# failure artifacts: ${path.relative(process.cwd(), base)}.{png,html}\n`);
  } catch (e) {
    process.stderr.write(`# could not save failure artifacts for "${name}": ${e.message}\n`);
  }
}

/**
 * Declares the browser for the current spec file: call once at the top of the file. Returns
 * `e2e(name, fn)`, which declares a test whose `fn({ page, context, browser, baseUrl })` runs in
 * a fresh context; on failure it saves a screenshot before reporting the error.
 */
function useBrowser() {
  let browser;
  let launchError;

  before(async () => {
    baseUrl(); // fail early and clearly when the URL is missing
    try {
      browser = await launchBrowser();
    } catch (e) {
      launchError = e;
      throw e;
    }
  });

  after(async () => {
    if (browser) await browser.close();
  });

  return function e2e(name, fn, options = {}) {
    test(name, { timeout: TEST_TIMEOUT_MS, ...options }, async (t) => {
      if (!browser) throw launchError || new Error('the browser was not launched');
      const context = await newContext(browser);
      const page = await context.newPage();
      const pageErrors = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      try {
        await fn({ page, context, browser, baseUrl: baseUrl(), t });
      } catch (err) {
        await saveFailureArtifacts(page, name);
        if (pageErrors.length) {
          err.message += `\n(JavaScript errors on the page: ${pageErrors.join(' | ')})`;
        }
        throw err;
      } finally {
        await context.close().catch(() => {});
      }
    });
  };
}

/**
 * Declares a journey for the current spec file (call once, at the top, instead of useBrowser):
 * ordered steps, one node:test test each, that share browser contexts — one per actor
 * ("teacher", "student"…), created on first use and kept open from step to step. Returns
 * `{ step, actor }`:
 * - `await actor(name, contextOptions)` gives the actor's page (the options, e.g. `timezoneId`,
 *   only count on first use); `webcam: 'path.y4m'` among them puts the actor in a browser of its
 *   own whose fake camera plays that file (Chromium has one camera file per process);
 * - `step(name, fn, options)` declares a test running `await fn(t)`. Once a step fails, every
 *   actor's page is saved in playwright/.artifacts/ and the following steps are skipped, since
 *   each one builds on the previous.
 */
function useJourney(title) {
  let browser;
  let launchError;
  let failedStep = null;
  const actors = new Map(); // name → { context, page, errors }
  const cameraBrowsers = new Map(); // .y4m path → browser whose fake camera plays it

  before(async () => {
    baseUrl();
    try {
      browser = await launchBrowser();
    } catch (e) {
      launchError = e;
      throw e;
    }
  });

  after(async () => {
    for (const a of actors.values()) await a.context.close().catch(() => {});
    actors.clear();
    for (const b of cameraBrowsers.values()) await b.close().catch(() => {});
    cameraBrowsers.clear();
    if (browser) await browser.close();
  });

  async function actor(name, { webcam, ...options } = {}) {
    let a = actors.get(name);
    if (!a) {
      if (!browser) throw launchError || new Error('the browser was not launched');
      let owner = browser;
      if (webcam) {
        if (!fs.existsSync(webcam)) throw new Error(`${name}'s camera file ${webcam} does not exist`);
        if (!cameraBrowsers.has(webcam)) cameraBrowsers.set(webcam, await launchBrowser(webcam));
        owner = cameraBrowsers.get(webcam);
      }
      const context = await newContext(owner, options);
      const page = await context.newPage();
      a = { context, page, errors: [] };
      page.on('pageerror', (err) => a.errors.push(err.message));
      actors.set(name, a);
    }
    return a.page;
  }

  function step(name, fn, options = {}) {
    test(`${title}: ${name}`, { timeout: TEST_TIMEOUT_MS, ...options }, async (t) => {
      if (failedStep) {
        t.skip(`skipped: the step "${failedStep}" failed`);
        return;
      }
      try {
        await fn(t);
      } catch (err) {
        failedStep = name;
        for (const [who, a] of actors) {
          await saveFailureArtifacts(a.page, `${title}-${name}-${who}`);
          if (a.errors.length) err.message += `\n(JavaScript errors on the ${who}'s page: ${a.errors.join(' | ')})`;
        }
        throw err;
      }
    });
  }

  return { step, actor };
}

/** The path (and query) of the page's current URL. */
function pathOf(page) {
  const url = new URL(page.url());
  return url.pathname;
}

module.exports = {
  baseUrl,
  chromiumArgs,
  launchBrowser,
  newContext,
  saveFailureArtifacts,
  useBrowser,
  useJourney,
  pathOf,
  ARTIFACTS_DIR,
};
