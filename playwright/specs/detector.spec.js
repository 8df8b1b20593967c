'use strict';
// The in-browser detector (Rust → WebAssembly with tract, in a Web Worker) on Chromium's fake
// webcam fed with real photos: it must see one face, two faces and no face. The camera files are
// made by deploy/lib/e2e.sh from models/eval/images (WEBCAM_ONE/TWO/NONE_Y4M).

const assert = require('node:assert/strict');
const { test } = require('node:test');
const { launchBrowser, newContext, saveFailureArtifacts } = require('../lib/browser');
const { logIn } = require('../lib/pages');

const CASES = [
  { name: 'one face (astronaut)', env: 'WEBCAM_ONE_Y4M', faces: '1' },
  { name: 'two faces (zidane)', env: 'WEBCAM_TWO_Y4M', faces: '2' },
  { name: 'no face (coffee)', env: 'WEBCAM_NONE_Y4M', faces: '0' },
];

for (const c of CASES) {
  test(`in-browser detector reports ${c.name}`, { timeout: 120_000 }, async () => {
    const y4m = process.env[c.env];
    assert.ok(y4m, `${c.env} is not set (deploy/lib/e2e.sh makes it)`);
    const browser = await launchBrowser(y4m);
    const context = await newContext(browser);
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await logIn(page, 'alice@student.com', '/student');
      await page.goto('/system-check');
      await page.locator('#camera-test').click();
      const status = page.locator('#detector-status');
      // The first analysis waits for the models (about 9 MB, compiled once per page).
      await page.waitForFunction(
        () => {
          const f = document.getElementById('detector-status').dataset.faces;
          return f !== undefined && f !== '';
        },
        null,
        { timeout: 90_000 },
      );
      // Let a few frames pass: the count must be stable, not a first-frame accident.
      await page.waitForTimeout(3_500);
      assert.equal(await status.getAttribute('data-faces'), c.faces, await status.textContent());
      const facesMs = Number(await status.getAttribute('data-ms'));
      const objectsMs = Number(await status.getAttribute('data-objects-ms'));
      const wideMs = Number(await status.getAttribute('data-wide-ms'));
      assert.ok(facesMs > 0 && wideMs > 0 && objectsMs > 0, 'the three models ran in the worker');
      process.stdout.write(`# wasm detector (${c.name}): BlazeFace ${facesMs} ms, CenterFace-416 ${wideMs} ms, CenterNet ${objectsMs} ms per frame\n`);
      assert.deepEqual(errors, []);
    } catch (err) {
      await saveFailureArtifacts(page, `detector ${c.name}`);
      if (errors.length) err.message += `\n(JavaScript errors: ${errors.join(' | ')})`;
      throw err;
    } finally {
      await browser.close();
    }
  });
}
