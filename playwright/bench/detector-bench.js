'use strict';
// Benchmark (not a test): the in-browser detector's time per frame with and without SIMD, in
// headless Chromium on the fake webcam. Needs a running server (PROCTORWISE_URL), the SIMD build
// (deploy/lib/detector.sh) and the plain one (deploy/lib/detector.sh --no-simd), and a .y4m
// camera file (WEBCAM_Y4M, e.g. playwright/.artifacts/webcam-astronaut.y4m from deploy/lib/e2e.sh).
//   PROCTORWISE_URL=http://127.0.0.1:8000 WEBCAM_Y4M=… node playwright/bench/detector-bench.js

const { launchBrowser, newContext } = require('../lib/browser');
const { logIn } = require('../lib/pages');

async function measure(build) {
  const browser = await launchBrowser(process.env.WEBCAM_Y4M);
  try {
    const page = await (await newContext(browser)).newPage();
    await logIn(page, 'alice@student.com', '/student');
    await page.goto(build ? `/system-check?build=${build}` : '/system-check');
    await page.locator('#camera-test').click();
    const samples = [];
    const deadline = Date.now() + 120_000;
    let last = '';
    while (samples.length < 5 && Date.now() < deadline) {
      await page.waitForTimeout(500);
      const s = await page.locator('#detector-status').evaluate((el) => ({ ...el.dataset }));
      if (s.faces === 'unavailable') throw new Error(`${build || 'simd'}: detector unavailable`);
      const key = `${s.ms}/${s.wideMs}/${s.objectsMs}`;
      if (s.ms && key !== last) {
        last = key;
        samples.push([Number(s.ms), Number(s.wideMs), Number(s.objectsMs)]);
      }
    }
    const median = (i) => samples.map((x) => x[i]).sort((a, b) => a - b)[Math.floor(samples.length / 2)];
    console.log(`${build || 'simd'}: BlazeFace ${median(0)} ms, CenterFace-416 ${median(1)} ms, CenterNet ${median(2)} ms (median of ${samples.length} frames)`);
  } finally {
    await browser.close();
  }
}

(async () => {
  await measure('');
  await measure('nosimd');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
