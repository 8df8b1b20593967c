'use strict';
// The proctor's journey, through the pages only, with four browser contexts: the demo teacher
// publishes a one-question exam whose slot opens in 1–2 minutes; two new students book it, one
// whose (fake) webcam shows two people (zidane.jpg), the other alone in front of hers
// (astronaut.png); the demo proctor keeps the live panel open while both start. Without any
// reload, the panel lists both sessions and the critical "several faces" anomaly with its
// evidence thumbnail; the proctor opens it, dismisses it with a note, then stops the other
// student's exam with a reason, which that student reads on her exam page.
//
// The camera files are made by deploy/lib/e2e.sh from models/eval/images (WEBCAM_TWO_Y4M,
// WEBCAM_ONE_Y4M). The proctor's interface is in French (the demo accounts' language).

const assert = require('node:assert/strict');
const { useJourney } = require('../lib/browser');
const { visibleText, squash, waitForPath, clickAndLoad, logIn, pollUntil } = require('../lib/pages');
const {
  createExam, addQuestion, addSlotSoon, publishExam, registerAndBook, waitUntilOpen, startExam,
} = require('../lib/exams');

const { step, actor } = useJourney('proctoring');

const RUN = Date.now().toString(36);
const EXAM = {
  title: `E2E proctoring ${RUN}`,
  description: 'One question; the proctor watches (end-to-end test).',
  minutes: 15,
  passMark: 50,
  seats: 2,
};
const WATCHED = { name: `Wanda Twofaces ${RUN}`, email: `e2e-two-${RUN}@example.com`, password: 'correct-horse-battery' };
const STOPPED = { name: `Stella Stopped ${RUN}`, email: `e2e-stop-${RUN}@example.com`, password: 'correct-horse-battery' };
const DISMISS_NOTE = `Her sister walked past the desk; nothing exchanged (${RUN}).`;
const STOP_REASON = `Phone calls during the exam are not allowed (${RUN}).`;

function webcam(env) {
  const path = process.env[env];
  assert.ok(path, `${env} is not set (deploy/lib/e2e.sh makes it)`);
  return path;
}

const state = { examId: null, bookings: {}, attempts: {}, anomalyId: null, sessions: {} };

/** The proctor's row of a student in the live sessions table. */
function sessionRow(proctor, student) {
  return proctor.locator('#sessions-body tr').filter({ hasText: student.name });
}

/** Whether the proctor's panel is still the page loaded at the start (no reload, no navigation). */
async function samePanel(proctor) {
  return proctor.evaluate(() => window.__panelMark === 'loaded-once');
}

step('the teacher publishes a one-question exam whose slot opens in 1–2 minutes', async () => {
  const teacher = await actor('teacher');
  await logIn(teacher, 'bob@teacher.com', '/teacher');
  state.examId = await createExam(teacher, EXAM);
  await addQuestion(teacher, state.examId, 'Vrai / faux', 'true_false', async (form) => {
    await form.getByLabel('Énoncé').fill('A proctor decides; the detector only flags.');
    await form.locator('fieldset[data-kind="true_false"]').getByLabel('Vrai', { exact: true }).check();
  });
  await addSlotSoon(teacher, EXAM.seats);
  await publishExam(teacher, state.examId);
});

step('two new students book the slot, each in a browser with its own camera', async () => {
  const watched = await actor('watched', { webcam: webcam('WEBCAM_TWO_Y4M') });
  state.bookings.watched = await registerAndBook(watched, WATCHED, state.examId, EXAM.title, { capacity: 2, left: 2 });
  const stopped = await actor('stopped', { webcam: webcam('WEBCAM_ONE_Y4M') });
  state.bookings.stopped = await registerAndBook(stopped, STOPPED, state.examId, EXAM.title, { capacity: 2, left: 1 });
});

step('the proctor opens the live panel before the exam starts', async () => {
  const proctor = await actor('proctor');
  await logIn(proctor, 'charlie@proctor.com', '/proctor');
  assert.equal(await visibleText(proctor, '#active-title'), 'Sessions actives');
  // Connected to the panel's event stream (htmx sse extension).
  await proctor.waitForFunction(() => {
    const el = document.getElementById('proctor-panel');
    return el && el['htmx-internal-data'] && el['htmx-internal-data'].sseEventSource
      && el['htmx-internal-data'].sseEventSource.readyState === 1;
  });
  await proctor.evaluate(() => { window.__panelMark = 'loaded-once'; });
  assert.equal(await sessionRow(proctor, WATCHED).count(), 0, 'no session before the start');
  assert.equal(await sessionRow(proctor, STOPPED).count(), 0, 'no session before the start');
});

step('the student alone starts; her session appears on the panel without a reload', async () => {
  const stopped = await actor('stopped');
  await waitUntilOpen(stopped, state.bookings.stopped);
  state.attempts.stopped = await startExam(stopped, state.bookings.stopped);

  const proctor = await actor('proctor');
  const row = sessionRow(proctor, STOPPED);
  await row.waitFor({ timeout: 20_000 });
  const cells = (await row.locator('td').allInnerTexts()).map(squash);
  assert.equal(cells[1], EXAM.title);
  assert.ok(await samePanel(proctor), 'the row came over the event stream, not by a reload');
}, { timeout: 210_000 });

step('the student with two faces starts; the critical anomaly reaches the panel live with its thumbnail', async (t) => {
  const watched = await actor('watched');
  await waitUntilOpen(watched, state.bookings.watched);
  const startedAt = Date.now();
  state.attempts.watched = await startExam(watched, state.bookings.watched);

  const proctor = await actor('proctor');
  // Critical anomalies also pop a toast (gone after 6 s): its text is caught as it appears.
  const toastSeen = proctor.waitForFunction((name) => {
    const toast = [...document.querySelectorAll('#toasts .toast')].find((el) => el.textContent.includes(name));
    return toast && toast.textContent.replace(/\s+/g, ' ').trim();
  }, WATCHED.name, { timeout: 120_000 });
  toastSeen.catch(() => {}); // awaited below
  await sessionRow(proctor, WATCHED).waitFor({ timeout: 20_000 });
  // The first analysed frame (the models load in the student's browser first) raises it.
  const alert = proctor.locator('#alerts-feed li.alert-item').filter({ hasText: WATCHED.name })
    .filter({ hasText: 'Plusieurs visages' });
  await alert.first().waitFor({ timeout: 90_000 });
  t.diagnostic(`critical anomaly on the panel ${Math.round((Date.now() - startedAt) / 1000)} s after the start`);
  assert.equal(await alert.count(), 1, 'one anomaly for the episode, not one per frame');
  assert.equal(await visibleText(proctor, alert.locator('.badge.sev')), 'Critique');
  assert.equal(await alert.locator('.sev-critical').count(), 1);
  const thumb = alert.locator('img.thumb');
  await thumb.waitFor();
  await proctor.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumb.elementHandle());
  const size = await thumb.evaluate((img) => [img.naturalWidth, img.naturalHeight]);
  assert.deepEqual(size, [640, 480], 'the evidence frame is the student’s webcam image');
  // A toast for the critical anomaly, and the session counts one critical anomaly.
  const toast = await (await toastSeen).jsonValue();
  assert.equal(toast, `CRITIQUE : Plusieurs visages — ${WATCHED.name} (${EXAM.title})`);
  await pollUntil('the session row to count a critical anomaly', async () => {
    const text = squash(await sessionRow(proctor, WATCHED).locator('td').nth(5).innerText());
    return /Critique 1/.test(text) ? text : null;
  }, { timeoutMs: 10_000, intervalMs: 250 });
  assert.ok(await samePanel(proctor), 'everything came over the event stream, not by a reload');
  const href = await alert.getByRole('link', { name: 'Ouvrir', exact: true }).getAttribute('href');
  state.anomalyId = href.split('#anomaly-')[1];
  state.sessions.watched = href.split('/')[3].split('#')[0];
}, { timeout: 210_000 });

step('the proctor opens the anomaly and dismisses it with a note', async () => {
  const proctor = await actor('proctor');
  await proctor.locator('#alerts-feed li.alert-item').filter({ hasText: WATCHED.name })
    .getByRole('link', { name: 'Ouvrir', exact: true }).click();
  await waitForPath(proctor, `/proctor/sessions/${state.sessions.watched}`);
  const item = proctor.locator(`#anomaly-${state.anomalyId}`);
  assert.match(squash(await visibleText(proctor, item.locator('div').first())), /^Critique Plusieurs visages · /);
  const thumb = item.locator('img.thumb');
  await proctor.waitForFunction((img) => img.complete && img.naturalWidth > 0, await thumb.elementHandle());
  assert.match(await visibleText(proctor, item.locator('div.status > p')), /À examiner$/);

  await item.getByLabel('Note').fill(DISMISS_NOTE);
  const [review] = await Promise.all([
    proctor.waitForResponse((r) => r.request().method() === 'POST'
      && new URL(r.url()).pathname === `/proctor/anomalies/${state.anomalyId}/review`),
    item.getByRole('button', { name: 'Écarter' }).click(),
  ]);
  assert.equal(review.status(), 200);
  await proctor.waitForFunction((id) => document.getElementById(`anomaly-${id}`).classList.contains('dismissed'), state.anomalyId);
  const status = squash(await visibleText(proctor, item.locator('div.status > p')));
  assert.ok(status.endsWith(`Écartée — ${DISMISS_NOTE}`), `the status shows the decision and the note: ${status}`);
  // The decision is stored: a fresh load shows it, and the summary no longer counts it.
  await proctor.reload();
  assert.ok(squash(await visibleText(proctor, item.locator('div.status > p'))).includes('Écartée'), 'dismissed after a reload');
  assert.equal(await item.getByLabel('Note').inputValue(), DISMISS_NOTE);
  const summary = squash(await visibleText(proctor, '#summary p'));
  const dismissed = Number((summary.match(/\((\d+) écartée\(s\)\)$/) || [])[1]);
  assert.ok(dismissed >= 1, `the summary counts the dismissed anomaly apart: ${summary}`);
});

/** The replica's verification figures (`/metrics`): pictures analysed, queued and pending. */
async function verification(page) {
  const text = await page.evaluate(async () => (await fetch('/metrics')).text());
  const figure = (name) => Number((text.match(new RegExp(`^proctorwise_${name} (\\d+)$`, 'm')) || [])[1] || 0);
  return { done: figure('verify_frames_total'), queued: figure('verify_queue_depth'), pending: figure('verify_pending_frames') };
}
const verifiedFrames = async (page) => (await verification(page)).done;

step('a forged two-face verdict from the student alone raises nothing: the server looks for itself', async (t) => {
  const stopped = await actor('stopped');
  const before = await verifiedFrames(stopped);
  // A tampered client: her real camera picture, with a verdict claiming two faces.
  const sent = await stopped.evaluate(async () => {
    const bar = document.querySelector('[data-monitor-frames]');
    const video = document.querySelector('video');
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d').drawImage(video, 0, 0);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.8));
    const verdict = {
      seq: 900000, captured_at: Date.now(), analyzed: true, width: canvas.width, height: canvas.height,
      faces: [{ score: 0.97, box: [10, 10, 120, 140] }, { score: 0.95, box: [180, 10, 290, 140] }], objects: [],
    };
    const form = new FormData();
    form.append('verdict', JSON.stringify(verdict));
    form.append('frame', blob, 'frame.jpg');
    const csrf = document.querySelector('meta[name="csrf-token"]').content;
    const res = await fetch(bar.dataset.monitorFrames, {
      method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf }, body: form,
    });
    return { status: res.status, body: await res.json() };
  });
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
  assert.equal(sent.body.stored_frame, true, 'the picture is kept for the server to look at');
  // Analysed once the replica has verified more pictures and nothing waits any more, twice in a row.
  let idle = 0;
  await pollUntil('the server to analyse the forged frame', async () => {
    const v = await verification(stopped);
    idle = v.done > before && v.queued === 0 && v.pending === 0 ? idle + 1 : 0;
    return idle >= 2 || null;
  }, { timeoutMs: 60_000, intervalMs: 1_000 });
  const proctor = await actor('proctor');
  await proctor.goto('/proctor');
  const row = sessionRow(proctor, STOPPED);
  await row.waitFor({ timeout: 10_000 });
  const anomalies = squash(await row.locator('td').nth(5).innerText());
  assert.ok(!/Critique/.test(anomalies), `no critical anomaly for the student alone: ${anomalies}`);
  const alerts = proctor.locator('#alerts-feed li.alert-item').filter({ hasText: STOPPED.name });
  assert.equal(await alerts.count(), 0, 'no alert for a verdict the server rejected');
  t.diagnostic(`forged frame analysed; ${await verifiedFrames(stopped) - before} picture(s) checked meanwhile`);
});

step('the proctor stops the other student’s exam with a reason; she reads it on her exam page', async () => {
  const proctor = await actor('proctor');
  await proctor.goto('/proctor');
  await sessionRow(proctor, STOPPED).getByRole('link', { name: 'Détails' }).click();
  state.sessions.stopped = (await waitForPath(proctor, /^\/proctor\/sessions\/[^/]+$/)).split('/')[3];
  // "Active", possibly followed by the badge of a picture the server is checking right now.
  assert.match(await visibleText(proctor, '#session-status'), /^Active\b/);
  await proctor.getByLabel("Raison (l'étudiant la lira)").fill(STOP_REASON);

  const stopped = await actor('stopped');
  assert.match(new URL(stopped.url()).pathname, /^\/attempts\/[^/]+\/q\/1$/, 'she is still on her exam page');
  await clickAndLoad(proctor, proctor.getByRole('button', { name: "Arrêter l'examen" }));
  await waitForPath(proctor, `/proctor/sessions/${state.sessions.stopped}`);
  assert.equal(await visibleText(proctor, '#session-status'), 'Terminée');
  assert.ok(squash(await visibleText(proctor, '#session-info')).includes(STOP_REASON), 'the reason is on the session');

  // Her page learns it from the next frame it sends (refused: the session is over) and reloads.
  await waitForPath(stopped, `/attempts/${state.attempts.stopped}/result`);
  const notice = stopped.locator('#proctor-stop');
  assert.match(squash(await visibleText(stopped, notice)), /^A proctor stopped your exam at \S/);
  assert.equal(squash(await visibleText(stopped, notice.locator('p').nth(1))), `Reason given: ${STOP_REASON}`);

  // The student with two faces is still taking her exam.
  const watched = await actor('watched');
  assert.match(new URL(watched.url()).pathname, /^\/attempts\/[^/]+\/q\/1$/);
});
