'use strict';
// The one exam page, as students really use it, checked on the proctor's pages. The demo teacher
// publishes a three-question exam whose slot opens in 1–2 minutes; three new students book it.
// - One refuses the camera on the consent page: the critical "webcam disabled" anomaly reaches
//   the proctor's live panel, and the start stays blocked.
// - An honest student (one face on camera) moves through every question, reloads the page twice
//   on a slow machine (CPU and network throttled through CDP; the silence each reload leaves
//   between two frames is measured), opens the review page and submits: 0 anomalies, risk 0.
// - A student who switches to another tab and comes back gets exactly one "tab change", with
//   its duration.
// Playwright pretends every page has the focus; the students' pages turn that off (CDP), so that
// a page losing the focus really does, as in a desktop browser.

const assert = require('node:assert/strict');
const { useJourney } = require('../lib/browser');
const { visibleText, squash, waitForPath, logIn, pollUntil } = require('../lib/pages');
const {
  createExam, addQuestion, addSlotSoon, publishExam, registerAndBook, waitUntilOpen, startExam,
} = require('../lib/exams');

const { step, actor } = useJourney('exam page');

const RUN = Date.now().toString(36);
const EXAM = {
  title: `E2E exam page ${RUN}`,
  description: 'Three true/false questions on one page (end-to-end test).',
  minutes: 20,
  passMark: 50,
  seats: 3,
};
const PROMPTS = ['The exam page stays loaded.', 'Questions are swapped in.', 'Reloading is allowed.'];
const HONEST = { name: `Hana Honest ${RUN}`, email: `e2e-honest-${RUN}@example.com`, password: 'correct-horse-battery' };
const AWAY = { name: `Awa Away ${RUN}`, email: `e2e-away-${RUN}@example.com`, password: 'correct-horse-battery' };
const REFUSER = { name: `Rita Refuser ${RUN}`, email: `e2e-refuser-${RUN}@example.com`, password: 'correct-horse-battery' };
const FRAMES = /^\/monitoring\/sessions\/[^/]+\/frames$/;

const state = { examId: null, bookings: {}, attempts: {} };

function webcam(env) {
  const path = process.env[env];
  assert.ok(path, `${env} is not set (deploy/lib/e2e.sh makes it)`);
  return path;
}

/** Turns Playwright's focus emulation off and brings the page to the front: it has the focus. */
async function realFocus(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setFocusEmulationEnabled', { enabled: false });
  await page.bringToFront();
  await page.waitForFunction(() => document.hasFocus());
  return cdp;
}

/** The proctor's session page of a student (from the panel's history), reloaded. */
async function sessionPage(proctor, student) {
  await proctor.goto('/proctor/history');
  const row = proctor.locator('table.sessions tbody tr').filter({ hasText: student.name });
  await row.first().waitFor();
  await row.first().getByRole('link', { name: 'Détails' }).click();
  await waitForPath(proctor, /^\/proctor\/sessions\/[^/]+$/);
}

/** Kinds of the anomalies on the open session page, and the session's risk. */
async function sessionFacts(proctor) {
  const kinds = await proctor.locator('#timeline li.anomaly > div:first-child > strong').allInnerTexts();
  const statuses = (await proctor.locator('#timeline li.anomaly div.status > p').allInnerTexts()).map(squash);
  const risk = squash(await proctor.locator('#session-info .badge.risk').innerText());
  const summary = squash(await visibleText(proctor, '#summary p'));
  return { kinds, statuses, risk, summary };
}

step('the teacher publishes a three-question exam whose slot opens in 1–2 minutes', async () => {
  const teacher = await actor('teacher');
  await logIn(teacher, 'bob@teacher.com', '/teacher');
  state.examId = await createExam(teacher, EXAM);
  for (const prompt of PROMPTS) {
    await addQuestion(teacher, state.examId, 'Vrai / faux', 'true_false', async (form) => {
      await form.getByLabel('Énoncé').fill(prompt);
      await form.locator('fieldset[data-kind="true_false"]').getByLabel('Vrai', { exact: true }).check();
    });
  }
  await addSlotSoon(teacher, EXAM.seats);
  await publishExam(teacher, state.examId);
});

step('three new students book the slot', async () => {
  const refuser = await actor('refuser');
  state.bookings.refuser = await registerAndBook(refuser, REFUSER, state.examId, EXAM.title, { capacity: 3, left: 3 });
  const honest = await actor('honest', { webcam: webcam('WEBCAM_ONE_Y4M') });
  state.bookings.honest = await registerAndBook(honest, HONEST, state.examId, EXAM.title, { capacity: 3, left: 2 });
  const away = await actor('away', { webcam: webcam('WEBCAM_ONE_Y4M') });
  state.bookings.away = await registerAndBook(away, AWAY, state.examId, EXAM.title, { capacity: 3, left: 1 });
});

step('a student refuses the camera; the critical anomaly reaches the proctor’s live panel', async () => {
  const proctor = await actor('proctor');
  await logIn(proctor, 'charlie@proctor.com', '/proctor');
  await proctor.waitForFunction(() => {
    const el = document.getElementById('proctor-panel');
    const source = el && el['htmx-internal-data'] && el['htmx-internal-data'].sseEventSource;
    return source && source.readyState === 1;
  });
  await proctor.evaluate(() => { window.__panelMark = 'loaded-once'; });

  const refuser = await actor('refuser');
  await refuser.addInitScript(() => {
    if (!navigator.mediaDevices) return;
    navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  await waitUntilOpen(refuser, state.bookings.refuser);
  await refuser.locator(`#booking-${state.bookings.refuser}`).getByRole('link', { name: 'Take the exam' }).click();
  const startPath = await waitForPath(refuser, `/bookings/${state.bookings.refuser}/start`);
  await Promise.all([
    refuser.waitForURL((url) => url.pathname === startPath && url.searchParams.get('refused') === '1'),
    refuser.getByRole('button', { name: 'Test my camera' }).click(),
  ]);
  assert.match(await visibleText(refuser, 'main .notice-error'), /This refusal has been recorded\.$/);
  assert.ok(await refuser.getByRole('button', { name: 'Start the exam' }).isDisabled(), 'the start stays blocked');

  const alert = proctor.locator('#alerts-feed li.alert-item').filter({ hasText: REFUSER.name });
  await alert.first().waitFor({ timeout: 20_000 });
  assert.equal(await alert.count(), 1);
  assert.match(squash(await alert.innerText()), /Critique Webcam désactivée — caméra refusée · /);
  assert.ok(await proctor.evaluate(() => window.__panelMark === 'loaded-once'), 'it came over the event stream');
  // A second refusal is counted in the same anomaly, not raised again.
  const [again] = await Promise.all([
    refuser.waitForResponse((r) => r.request().method() === 'POST'
      && new URL(r.url()).pathname === `/bookings/${state.bookings.refuser}/webcam-refused`),
    refuser.getByRole('button', { name: 'Test my camera' }).click(),
  ]);
  assert.equal(again.status(), 303);
  await refuser.waitForLoadState('load');
  await proctor.reload();
  assert.equal(await proctor.locator('#alerts-feed li.alert-item').filter({ hasText: REFUSER.name }).count(), 1);
}, { timeout: 210_000 });

step('an honest student moves through every question, reloads twice on a slow machine, reviews: nothing raised', async (t) => {
  const student = await actor('honest');
  await waitUntilOpen(student, state.bookings.honest);
  state.attempts.honest = await startExam(student, state.bookings.honest);
  const cdp = await realFocus(student);
  const frames = [];
  student.on('requestfinished', (r) => {
    if (r.method() === 'POST' && FRAMES.test(new URL(r.url()).pathname)) frames.push(Date.now());
  });
  const detectorLoads = [];
  student.on('request', (r) => { if (r.url().endsWith('/wasm_detector_bg.wasm')) detectorLoads.push(r.url()); });
  await student.evaluate(() => { window.__examPage = 'loaded-once'; });

  // Every question, with Next: the page (camera, detector, monitor) stays loaded.
  for (let n = 1; n <= PROMPTS.length; n++) {
    assert.equal(await visibleText(student, 'p.prompt'), PROMPTS[n - 1]);
    const saved = student.waitForResponse((r) => r.request().method() === 'POST'
      && new URL(r.url()).pathname === `/attempts/${state.attempts.honest}/q/${n}`);
    await student.getByLabel('True', { exact: true }).check();
    assert.equal((await saved).status(), 200, `autosave of question ${n}`);
    const button = n < PROMPTS.length ? /^Next/ : 'Review and submit';
    await student.locator('#answer-form').getByRole('button', { name: button }).click();
    await waitForPath(student, n < PROMPTS.length ? `/attempts/${state.attempts.honest}/q/${n + 1}` : `/attempts/${state.attempts.honest}/review`);
  }
  assert.equal(await visibleText(student, '#review h2'), 'Review and submit');
  assert.ok(await student.evaluate(() => window.__examPage === 'loaded-once'), 'no page load between questions');
  assert.deepEqual(detectorLoads, [], 'the detector was not loaded again');
  // Back to question 2 with the browser's history, then the numbered navigation.
  await student.goBack();
  await waitForPath(student, `/attempts/${state.attempts.honest}/q/${PROMPTS.length}`);
  await student.locator('#question-nav a[aria-label="Question 2, answered"]').click();
  await waitForPath(student, `/attempts/${state.attempts.honest}/q/2`);
  assert.ok(await student.getByLabel('True', { exact: true }).isChecked(), 'the saved answer is shown');

  // Two reloads on a slow machine (DevTools' presets): CPU 4× slower on a "fast 3G" network, then
  // CPU 6× slower on a "slow 3G" one (2 s per round trip).
  await cdp.send('Network.enable');
  const profiles = [
    { name: 'CPU 4×, fast 3G', cpu: 4, latency: 563, down: 1.6e6 / 8, up: 750e3 / 8 },
    { name: 'CPU 6×, slow 3G', cpu: 6, latency: 2000, down: 400e3 / 8, up: 400e3 / 8 },
  ];
  const gaps = [];
  for (const p of profiles) {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: p.cpu });
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: p.latency, downloadThroughput: p.down, uploadThroughput: p.up,
    });
    const before = frames.length;
    await pollUntil('a frame before the reload', async () => frames.length > before, { timeoutMs: 30_000, intervalMs: 100 });
    // The worst moment: just before the next frame would have left.
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    const last = frames.length;
    await student.reload();
    await pollUntil('the first frame after the reload', async () => frames.length > last, { timeoutMs: 60_000, intervalMs: 100 });
    gaps.push(`${p.name}: ${((frames[last] - frames[last - 1]) / 1000).toFixed(1)} s`);
    assert.equal(await visibleText(student, 'fieldset.question legend'), 'Question 2 of 3 (1 pt)');
    await student.waitForFunction(() => document.hasFocus());
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  t.diagnostic(`silence between two frames across a reload (frame answers, as the browser saw them): ${gaps.join('; ')}`);

  await student.locator('#question-nav').getByRole('link', { name: 'Review and submit' }).click();
  await waitForPath(student, `/attempts/${state.attempts.honest}/review`);
  // Long enough for a lost connection or an open episode to show: the timer checks every second.
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  const proctor = await actor('proctor');
  await sessionPage(proctor, HONEST);
  const facts = await sessionFacts(proctor);
  assert.deepEqual(facts.kinds, [], `no anomaly for an honest student: ${JSON.stringify(facts)}`);
  assert.equal(facts.risk, '0');
  assert.equal(facts.summary, '0 anomalies (0 écartée(s))');

  await student.getByLabel('I want to submit my exam now. I will not be able to change my answers.').check();
  await student.getByRole('button', { name: 'Submit my exam' }).click();
  await waitForPath(student, `/attempts/${state.attempts.honest}/result`);
  await proctor.reload();
  const after = await sessionFacts(proctor);
  assert.deepEqual(after.kinds, [], `submitting raised nothing: ${JSON.stringify(after)}`);
  assert.equal(after.risk, '0');
}, { timeout: 240_000 });

step('a student who switches to another tab gets exactly one tab change, with its duration', async (t) => {
  const student = await actor('away');
  await waitUntilOpen(student, state.bookings.away);
  state.attempts.away = await startExam(student, state.bookings.away);
  await realFocus(student);
  // Moving between questions raises nothing.
  await student.locator('#answer-form').getByRole('button', { name: /^Next/ }).click();
  await waitForPath(student, `/attempts/${state.attempts.away}/q/2`);

  const events = [];
  student.on('request', (r) => {
    if (/\/events$/.test(new URL(r.url()).pathname)) events.push(JSON.parse(r.postData() || '{}').kind);
  });
  const elsewhere = await student.context().newPage();
  await elsewhere.goto('/bookings');
  await elsewhere.bringToFront();
  await student.waitForFunction(() => document.getElementById('attempt').dataset.away === 'true');
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await student.bringToFront();
  await student.waitForFunction(() => document.getElementById('attempt').dataset.away === 'false');
  await elsewhere.close();
  assert.deepEqual(events, ['tab_hidden', 'tab_visible']);

  // The episode ends after the cooldown (10 s without the condition), on a following frame.
  const proctor = await actor('proctor');
  await sessionPage(proctor, AWAY);
  const facts = await pollUntil('the tab change to have ended', async () => {
    await proctor.reload();
    const f = await sessionFacts(proctor);
    return f.statuses.length && !f.statuses.some((s) => s.includes('en cours')) ? f : null;
  }, { timeoutMs: 40_000, intervalMs: 2_000 });
  assert.deepEqual(facts.kinds, ["Changement d'onglet"], JSON.stringify(facts));
  const lasted = Number((facts.statuses[0].match(/durée (\d+) s/) || [])[1]);
  t.diagnostic(`tab change on the proctor's page: ${facts.statuses[0]}`);
  assert.ok(lasted >= 3 && lasted <= 8, `the duration is the time away (about 3 s): ${facts.statuses[0]}`);
}, { timeout: 240_000 });
