'use strict';
// The admin's analytics journey: the dashboard shows its server-drawn charts and the health of
// each component; the admin finds the demo exam by searching and downloads its PDF and CSV
// reports.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { useBrowser } = require('../lib/browser');
const { logIn } = require('../lib/pages');

const e2e = useBrowser();

/** Clicks a download link; returns the downloaded bytes and the suggested file name. */
async function download(page, link) {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), bytes: fs.readFileSync(path) };
}

e2e('admin sees the dashboard charts and downloads an exam PDF and CSV', async ({ page }) => {
  await logIn(page, 'diana@admin.com', '/admin');
  // Charts first, drawn on the server as SVG with an accessible name.
  const charts = page.locator('#dashboard figure.chart');
  await charts.first().waitFor({ state: 'visible' });
  assert.ok((await charts.count()) >= 4, 'four charts on the dashboard');
  // Each chart has its caption and its figures as a table (a fresh demo has no submission yet:
  // the chart then says so instead of drawing empty axes).
  assert.equal(await page.locator('#chart-per-day figcaption').count(), 1);
  assert.equal(await page.locator('#chart-per-day details.chart-data table tbody tr').count(), 30);
  assert.ok((await page.locator('#chart-per-day svg[role="img"]').count())
    + (await page.locator('#chart-per-day .no-data').count()) === 1);
  await page.screenshot({ path: '.artifacts/analytics-dashboard.png', fullPage: true });
  // The live block refreshes itself through htmx, not a page reload.
  assert.match(await page.locator('#dashboard').getAttribute('hx-trigger'), /^every \d+s$/);
  // One health line per component.
  assert.equal(await page.locator('.health-item').count(), 5);
  assert.equal(await page.locator('.health-item[data-component="database"].health-up').count(), 1);

  // Reports: search the demo exam (any exam, not only recent ones).
  await page.goto('/analytics');
  await page.fill('#exam-q', 'a');
  const pdfLink = page.locator('#exam-results a', { hasText: 'PDF' }).first();
  await pdfLink.waitFor({ state: 'visible' });
  const pdf = await download(page, pdfLink);
  assert.match(pdf.name, /^exam-.+-report\.pdf$/);
  assert.equal(pdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-');

  const csv = await download(page, page.locator('#exam-results a', { hasText: 'CSV' }).first());
  assert.match(csv.name, /^exam-.+-report\.csv$/);
  const text = csv.bytes.toString('utf8');
  assert.ok(text.startsWith('\uFEFF'), 'UTF-8 with a byte-order mark');
  assert.match(text, /Moyenne|Mean/);
});
