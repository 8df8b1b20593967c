'use strict';
// Small page helpers shared by the journey specs: log in, register, read visible texts, wait for
// a path, poll until the server says something.

const assert = require('node:assert/strict');

/** Password of every demo account (server/src/demo.rs). */
const DEMO_PASSWORD = 'password123';

/** Visible, trimmed text of the first element matching `selector` (or of a locator). */
async function visibleText(page, selector) {
  const el = typeof selector === 'string' ? page.locator(selector).first() : selector.first();
  await el.waitFor({ state: 'visible' });
  return (await el.innerText()).trim();
}

/** Whitespace collapsed, for comparing texts that wrap over several lines or elements. */
function squash(text) {
  return text.replace(/\s+/g, ' ').trim();
}

/** Waits until the page's URL path matches `path` (a string or a RegExp); returns the path. */
async function waitForPath(page, path) {
  const matches = (p) => (typeof path === 'string' ? p === path : path.test(p));
  await page.waitForURL((url) => matches(url.pathname));
  const current = new URL(page.url()).pathname;
  assert.ok(matches(current), `path ${current} should match ${path}`);
  return current;
}

/**
 * Clicks a plain (non-htmx) submit button and waits for the page it leads to, even when that page
 * has the same URL (a POST answered by a redirect back).
 */
async function clickAndLoad(page, locator) {
  await Promise.all([page.waitForEvent('load'), locator.click()]);
}

/** Logs in through the form and waits for the role's home page. */
async function logIn(page, email, home, password = DEMO_PASSWORD) {
  await page.goto('/login');
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('section#login form button[type="submit"]');
  await waitForPath(page, home);
}

/** Registers a student account through /register and waits for /student. */
async function register(page, { name, email, password }) {
  await page.goto('/register');
  await page.fill('#name', name);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.fill('#password_confirm', password);
  await page.click('section#register form button[type="submit"]');
  await waitForPath(page, '/student');
}

/**
 * Calls `probe()` every `intervalMs` until it returns a truthy value (returned) or `timeoutMs`
 * passes (then throws, naming `what` and the last value seen).
 */
async function pollUntil(what, probe, { timeoutMs, intervalMs = 2_000 }) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await probe();
    if (last) return last;
    if (Date.now() >= deadline) {
      throw new Error(`gave up after ${Math.round(timeoutMs / 1000)} s waiting for ${what} (last: ${JSON.stringify(last)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** "mm:ss" or "h:mm:ss" as seconds. */
function clockSeconds(text) {
  const parts = text.trim().split(':').map(Number);
  assert.ok(parts.length >= 2 && parts.every(Number.isInteger), `a clock like 09:41, not ${JSON.stringify(text)}`);
  return parts.reduce((total, n) => total * 60 + n, 0);
}

module.exports = { DEMO_PASSWORD, visibleText, squash, waitForPath, clickAndLoad, logIn, register, pollUntil, clockSeconds };
