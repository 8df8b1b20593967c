'use strict';
// The server, not the browser, decides which clean frames carry their picture: static/monitor.js
// attaches the JPEG to the frame after an answer saying `picture_next: true`, to every frame its
// detector flags, and to no other clean frame (an answer without the field asks for nothing).
// The server's `notices` are shown in a polite live region and the exam goes on.
//
// monitor.js runs in Chromium on a page served by the test (page.route), with a stand-in
// detector whose verdicts the test chooses; the frames endpoint is the test's, answering what
// each case needs.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { useBrowser } = require('../lib/browser');

const e2e = useBrowser();

const ORIGIN = 'http://exam.test';
const MONITOR = fs.readFileSync(path.join(__dirname, '../../static/monitor.js'), 'utf8');
const PAGE = `<!DOCTYPE html><html lang="en"><head><meta name="csrf-token" content="t"></head><body>
<div id="attempt" data-monitor-frames="/frames" data-monitor-events="/events" data-monitor-interval-ms="150"
  data-monitor-face-threshold="0.5" data-monitor-object-threshold="0.5" data-monitor-forbidden-objects="cell phone">
<p id="monitor-notice" hidden role="status" aria-live="polite"></p></div>
<video id="exam-camera"></video></body></html>`;

// A stand-in detector: frame n (from 1) shows the faces listed in window.__faces[n - 1] (one
// face when the list is shorter), and the "camera" is a small drawn canvas.
function fakeDetector() {
  window.__faces = window.__faces || [];
  let n = 0;
  window.ProctorDetector = {
    start: () => Promise.resolve({
      detect: () => {
        n += 1;
        const count = n <= window.__faces.length ? window.__faces[n - 1] : 1;
        const faces = Array.from({ length: count }, () => ({ score: 0.9 }));
        return Promise.resolve({ faces, objects: [], faces_ms: 1, wide_faces_ms: 0, objects_ms: 0 });
      },
      stop: () => {},
    }),
    grab: (video, canvas) => {
      canvas.width = 64;
      canvas.height = 48;
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#468';
      ctx.fillRect(0, 0, 64, 48);
      return ctx.getImageData(0, 0, 64, 48);
    },
    // The drawn "camera" is one flat colour: it counts as a picture here.
    blank: () => false,
  };
}

/**
 * Runs the monitor until `count` frames were posted; `answer(i)` is the JSON body of the i-th
 * answer (from 0). Returns, per frame, whether it carried a picture and what the verdict said.
 */
async function run(page, { faces = [], count, answer }) {
  const frames = [];
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/') return route.fulfill({ contentType: 'text/html', body: PAGE });
    if (url.pathname === '/events') return route.fulfill({ status: 202, contentType: 'application/json', body: '{"accepted":true}' });
    const body = route.request().postDataBuffer().toString('latin1');
    const verdict = JSON.parse(body.match(/\r\n\r\n(\{.*?\})\r\n/s)[1]);
    const i = frames.length;
    frames.push({ picture: /name="frame"/.test(body), analyzed: verdict.analyzed, faces: verdict.faces.length });
    return route.fulfill({ status: 202, contentType: 'application/json', body: JSON.stringify(answer(i)) });
  });
  await page.goto(`${ORIGIN}/`);
  await page.evaluate(fakeDetector);
  await page.evaluate((n) => { window.__faces = n; }, faces);
  await page.addScriptTag({ content: MONITOR });
  await page.evaluate(() => {
    window.ProctorMonitor.start(document.getElementById('attempt'), document.getElementById('exam-camera'));
  });
  await page.waitForFunction((n) => Number(document.getElementById('attempt').dataset.framesSent || 0) >= n, count);
  await page.unroute(`${ORIGIN}/**`);
  return frames.slice(0, count);
}

e2e('clean frames carry a picture only when the server asked for it in its previous answer', async ({ page }) => {
  // The first frame leaves before the detector is ready: it goes unanalysed, with its picture,
  // for the server to analyse. Answers 1 and 4 ask for a picture: frames 2 and 5 carry one.
  const asks = new Set([1, 4]);
  const frames = await run(page, { count: 8, answer: (i) => ({ accepted: true, stored_frame: false, picture_next: asks.has(i), notices: [] }) });
  assert.deepEqual(frames.map((f) => f.analyzed), [false, true, true, true, true, true, true, true]);
  assert.deepEqual(frames.map((f) => f.picture), [true, false, true, false, false, true, false, false]);
});

e2e('a frame the detector flags always carries its picture; answers without the field ask nothing', async ({ page }) => {
  // Analysed frames 3 and 6 show two faces and no face (flagged); the server's answers lack
  // picture_next and notices.
  const frames = await run(page, { faces: [1, 1, 2, 1, 1, 0], count: 8, answer: () => ({ accepted: true }) });
  assert.deepEqual(frames.slice(1).map((f) => f.faces), [1, 1, 2, 1, 1, 0, 1]);
  assert.deepEqual(frames.map((f) => f.picture), [true, false, false, true, false, false, true, false]);
});

e2e('the server’s notices are shown politely and the monitor goes on', async ({ page }) => {
  const message = 'We saw two faces — make sure you are alone.';
  const frames = await run(page, {
    count: 4,
    answer: (i) => ({ accepted: true, picture_next: false, notices: i === 1 ? [{ kind: 'multiple_faces', message }] : [] }),
  });
  assert.equal(frames.length, 4, 'frames kept going after the notice');
  const notice = page.locator('#monitor-notice');
  assert.ok(await notice.isVisible(), 'the notice is shown');
  assert.equal((await notice.innerText()).trim(), message);
  assert.equal(await notice.getAttribute('aria-live'), 'polite');
  assert.equal(await notice.getAttribute('role'), 'status');
});
