'use strict';
// When the in-browser detector cannot run, the exam is still proctored: the student is told, the
// server gets a detector_unavailable event, and every webcam frame goes to the server with its
// JPEG and no verdict, so the server analyses each one. Two ways it breaks: the WebAssembly file
// cannot be downloaded (blocked here with page.route), and the detector hangs (its download
// never answers; the page gives up after data-detector-timeout-ms, shortened for the test).
//
// The teacher makes a one-question exam with a slot starting in 1–2 minutes; a new student
// books it, waits for it to open and starts.

const assert = require('node:assert/strict');
const { useJourney } = require('../lib/browser');
const { visibleText, waitForPath, logIn, register, pollUntil } = require('../lib/pages');
const { addSlotSoon, publishExam } = require('../lib/exams');

const { step, actor } = useJourney('detector fallback');

const EXAM_TITLE = `Detector fallback ${Date.now()}`;
const NOTICE =
  'Your browser cannot run the camera check itself. Your exam continues normally: the camera images ' +
  'are sent to the server, which checks them instead.';
const WASM = '**/static/detector/wasm_detector_bg.wasm';
const EVENTS = /^\/monitoring\/sessions\/[^/]+\/events$/;
const state = {};

/**
 * Records, in the page, every frame the monitor posts: its verdict (parsed from the FormData),
 * the JPEG part if any, the server's answer. Read with `sentFrames(page)`.
 */
async function recordFrames(page) {
  await page.addInitScript(() => {
    window.sentFrames = [];
    const original = window.fetch;
    window.fetch = function (url, init) {
      const result = original.apply(this, arguments);
      if (/\/monitoring\/sessions\/[^/]+\/frames$/.test(String(url)) && init && init.body instanceof FormData) {
        const jpeg = init.body.get('frame');
        const entry = { jpeg: jpeg ? { type: jpeg.type, size: jpeg.size } : null };
        window.sentFrames.push(entry);
        init.body.get('verdict').text().then((t) => { entry.verdict = JSON.parse(t); });
        result
          .then((r) => { entry.status = r.status; return r.clone().json(); })
          .then((answer) => { entry.answer = answer; }, () => {});
      }
      return result;
    };
  });
}

function sentFrames(page) {
  return page.evaluate(() => window.sentFrames.filter((f) => f.answer));
}

/** The browser events a page posts (parsed bodies). */
function watchEvents(page) {
  const events = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && EVENTS.test(new URL(request.url()).pathname)) {
      events.push(JSON.parse(request.postData() || '{}'));
    }
  });
  return events;
}

/** Waits until at least `n` frames were answered and checks they all went to the server for analysis. */
async function assertServerAnalysis(page, n) {
  const frames = await pollUntil(`${n} frames posted`, async () => {
    const f = await sentFrames(page);
    return f.length >= n ? f : null;
  }, { timeoutMs: 30_000, intervalMs: 500 });
  for (const f of frames) {
    assert.equal(f.status, 202, 'the server accepted the frame');
    assert.equal(f.verdict.analyzed, false, 'no verdict of the browser: the server analyses it');
    assert.deepEqual([f.verdict.faces, f.verdict.objects], [[], []]);
    assert.ok(f.jpeg && f.jpeg.type === 'image/jpeg' && f.jpeg.size > 1000, `the JPEG goes with every frame: ${JSON.stringify(f.jpeg)}`);
    assert.equal(f.answer.stored_frame, true, 'the server stored the JPEG for its analysis');
  }
  return frames.length;
}

step('the teacher makes a one-question exam with a slot starting in 1–2 minutes', async () => {
  const teacher = await actor('teacher');
  // The exam and its question through the JSON API; the slot and the publication through the page.
  const api = teacher.request;
  const token = (await (await api.post('/api/v1/auth/token', { data: { email: 'bob@teacher.com', password: 'password123' } })).json()).token;
  const headers = { Authorization: `Bearer ${token}` };
  const exam = await api.post('/api/v1/exams', { headers, data: { title: EXAM_TITLE, description: 'Fallback check.', duration_minutes: 10 } });
  assert.equal(exam.status(), 201, await exam.text());
  state.examId = (await exam.json()).id;
  const question = await api.post(`/api/v1/exams/${state.examId}/questions`, {
    headers,
    data: { kind: 'true_false', prompt: 'The server checks frames the browser cannot.', answer: 'true', points: '1' },
  });
  assert.ok(question.ok(), await question.text());

  await logIn(teacher, 'bob@teacher.com', '/teacher');
  await teacher.goto(`/exams/${state.examId}`);
  const slot = await addSlotSoon(teacher, 5);
  state.slotStartMs = slot.ms;
  await publishExam(teacher, state.examId);
});

step('a new student books it, and starts when it opens, with the WebAssembly blocked', async () => {
  const student = await actor('student');
  await register(student, { name: 'Fallback Student', email: `fallback-${Date.now()}@example.com`, password: 'fallback-pass-123' });
  const rows = student.locator(`article#exam-${state.examId} tbody tr`);
  await rows.first().waitFor();
  const starts = await rows.evaluateAll((trs) => trs.map((tr) => Date.parse(tr.querySelector('time').getAttribute('datetime'))));
  const index = starts.indexOf(state.slotStartMs);
  assert.ok(index >= 0, `the new slot is offered: ${JSON.stringify(starts)}`);
  await rows.nth(index).getByRole('button', { name: `Book — ${EXAM_TITLE}` }).click();
  await student.locator('#toasts .toast').first().waitFor();
  const booking = student.locator('section.my-bookings tbody tr').filter({ hasText: EXAM_TITLE });
  state.bookingId = (await booking.getAttribute('id')).replace(/^booking-/, '');

  await pollUntil(
    'the booking to open on /bookings',
    async () => {
      await student.goto('/bookings');
      const status = await student.locator(`#booking-${state.bookingId}`).getAttribute('data-status');
      return status === 'scheduled' ? null : status;
    },
    { timeoutMs: 150_000 },
  );
  await student.goto(`/bookings/${state.bookingId}/start`);
  await student.getByRole('button', { name: 'Test my camera' }).click();
  await student.waitForFunction(() => document.getElementById('camera-status').className === 'ok');
  await student.getByLabel('I have read the rules and agree to be monitored during the exam.').check();

  // From now on the WebAssembly detector cannot be downloaded (an old or locked-down browser).
  let blocked = 0;
  await student.route(WASM, (route) => {
    blocked++;
    return route.abort('blockedbyclient');
  });
  await recordFrames(student);
  const events = watchEvents(student);
  await student.getByRole('button', { name: 'Start the exam' }).click();
  state.attemptId = (await waitForPath(student, /^\/attempts\/[^/]+\/q\/1$/)).split('/')[2];

  assert.equal(await visibleText(student, '#detector-fallback'), NOTICE, 'the student is told');
  assert.ok(blocked >= 1, 'the worker did try to download the WebAssembly');
  assert.equal(await student.locator('#attempt').getAttribute('data-detector'), 'unavailable');
  await pollUntil('the detector_unavailable event', async () => events.some((e) => e.kind === 'detector_unavailable'), {
    timeoutMs: 10_000,
    intervalMs: 300,
  });
  await assertServerAnalysis(student, 3);
  await student.unroute(WASM);
}, { timeout: 240_000 });

step('a detector that never finishes loading is given up after the timeout', async () => {
  const student = await actor('student');
  // The download hangs: the route never answers.
  await student.route(WASM, () => {});
  // The server's give-up time (90 s by default) shortened to 4 s for this page.
  await student.route(`**/attempts/${state.attemptId}/q/1`, async (route) => {
    const response = await route.fetch();
    const html = (await response.text()).replace(/data-detector-timeout-ms="\d+"/, 'data-detector-timeout-ms="4000"');
    assert.ok(html.includes('data-detector-timeout-ms="4000"'), 'the exam page carries the give-up time');
    await route.fulfill({ response, body: html });
  });
  const events = watchEvents(student);
  await student.goto(`/attempts/${state.attemptId}/q/1`);
  assert.ok(await student.locator('#detector-fallback').isHidden(), 'no notice while the detector loads');
  // While it loads, frames already go to the server for analysis.
  await assertServerAnalysis(student, 1);
  await student.locator('#detector-fallback').waitFor({ state: 'visible', timeout: 15_000 });
  assert.equal(await visibleText(student, '#detector-fallback'), NOTICE);
  await pollUntil('the detector_unavailable event', async () => events.find((e) => e.kind === 'detector_unavailable'), {
    timeoutMs: 10_000,
    intervalMs: 300,
  });
  const event = events.find((e) => e.kind === 'detector_unavailable');
  assert.equal(event.detail, 'the detector did not load within 4 s');
  const before = (await sentFrames(student)).length;
  await assertServerAnalysis(student, before + 2);
}, { timeout: 120_000 });
