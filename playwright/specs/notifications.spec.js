'use strict';
// The notification bell updates live (server-sent events) when something happens to the user,
// without reloading the page.

const assert = require('node:assert/strict');
const { useBrowser } = require('../lib/browser');
const { register } = require('../lib/pages');

const e2e = useBrowser();

e2e('the bell counts a new notification live, without a reload', async ({ page, context }) => {
  const stamp = Date.now().toString(36);
  await register(page, { name: `Bell Watcher ${stamp}`, email: `bell-${stamp}@example.test`, password: 'correct horse 1' });
  // The page stays open on /notifications: its bell shows no unread badge yet.
  await page.goto('/notifications');
  await page.locator('#bell').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#bell .unread-count').count(), 0);

  // In another tab of the same session the student books a slot of the demo exam: the booking's
  // event reaches the notifications handler through the outbox relay.
  const other = await context.newPage();
  await other.goto('/student');
  const book = other.locator('form[action="/bookings"] button[type="submit"]').first();
  await book.waitFor({ state: 'visible' });
  const [response] = await Promise.all([
    other.waitForResponse((r) => new URL(r.url()).pathname === '/bookings' && r.request().method() === 'POST'),
    book.click(),
  ]);
  assert.equal(response.status(), 200, 'the booking was accepted');

  // The first tab's bell changes by itself.
  const badge = page.locator('#bell .unread-count');
  await badge.waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal((await badge.innerText()).trim(), '1');
  assert.match(await page.locator('#bell').getAttribute('aria-label'), /1/);
  await page.reload();
  assert.ok((await page.locator('main').innerText()).length > 0);
  assert.equal((await page.locator('#bell .unread-count').innerText()).trim(), '1', 'the count is the server\'s');
});
