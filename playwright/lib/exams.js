'use strict';
// Steps shared by the journey specs, through the pages only: the demo teacher (French interface)
// creates an exam, adds questions and a slot starting in 1–2 minutes, publishes; a new student
// registers and books; once the slot opens, the student tests the (fake) webcam and starts.

const assert = require('node:assert/strict');
const { visibleText, squash, waitForPath, clickAndLoad, register, pollUntil } = require('./pages');

/**
 * Creates a draft exam from /teacher (`exam`: title, description, minutes, passMark; results
 * released by hand) and returns its id, on the exam's page.
 */
async function createExam(teacher, exam) {
  await teacher.getByRole('link', { name: 'Nouvel examen', exact: true }).click();
  await waitForPath(teacher, '/exams/new');
  assert.equal(await visibleText(teacher, 'h1'), 'Nouvel examen');
  await teacher.getByLabel('Titre', { exact: true }).fill(exam.title);
  await teacher.getByLabel('Description', { exact: true }).fill(exam.description);
  await teacher.getByLabel('Durée (minutes, 5 à 300)').fill(String(exam.minutes));
  await teacher.getByLabel('Seuil de réussite (%)').fill(String(exam.passMark));
  assert.equal(await visibleText(teacher, '#exam-settings-form legend'), 'Les résultats parviennent aux étudiants');
  await teacher.getByLabel('Quand je les publie').check();
  await teacher.getByRole('button', { name: "Créer l'examen" }).click();

  const path = await waitForPath(teacher, /^\/exams\/(?!new$)[^/]+$/);
  assert.equal(await visibleText(teacher, 'h1'), exam.title);
  assert.equal(await visibleText(teacher, '#exam-status'), 'Brouillon');
  return path.split('/')[2];
}

/**
 * Opens the question form of `kindLabel` from the exam page, lets `fill(form)` fill it, saves it
 * and checks the exam page lists one more question.
 */
async function addQuestion(teacher, examId, kindLabel, kindValue, fill) {
  const before = await teacher.locator('#questions li.question').count();
  await teacher.locator('#questions p.add-question').getByRole('link', { name: kindLabel, exact: true }).click();
  await waitForPath(teacher, `/exams/${examId}/questions/new`);
  assert.equal(await visibleText(teacher, 'h1'), 'Nouvelle question');
  assert.equal(await teacher.inputValue('#kind'), kindValue, 'the kind chosen on the exam page is preselected');
  const form = teacher.locator('form.question-form');
  await fill(form);
  await form.getByRole('button', { name: 'Enregistrer', exact: true }).click();
  await waitForPath(teacher, `/exams/${examId}`);
  assert.equal(await teacher.locator('#questions li.question').count(), before + 1, `${kindLabel} question added`);
}

/**
 * Adds, from the exam page, a slot of `seats` seats starting at the first whole minute at least
 * 65 s from now, typed in the browser's local time. Returns what was typed and when it starts:
 * `{ local, ms, zone, offsetMinutes }`.
 */
async function addSlotSoon(teacher, seats) {
  const slot = await teacher.evaluate(() => {
    const minute = 60_000;
    const start = new Date(Math.ceil((Date.now() + 65_000) / minute) * minute);
    const pad = (n) => String(n).padStart(2, '0');
    return {
      local: `${start.getFullYear()}-${pad(start.getMonth() + 1)}-${pad(start.getDate())}T${pad(start.getHours())}:${pad(start.getMinutes())}`,
      ms: start.getTime(),
      zone: Intl.DateTimeFormat().resolvedOptions().timeZone, // ICU may say Asia/Calcutta
      offsetMinutes: -start.getTimezoneOffset(),
    };
  });
  const form = teacher.locator('form.add-slot');
  assert.equal(await visibleText(teacher, form.locator('[data-tz-note]')), slot.zone, 'the form names the time zone');
  await form.getByLabel('Début').fill(slot.local);
  await form.getByLabel('Capacité (places, 1 à 1000)').fill(String(seats));
  await form.getByRole('button', { name: 'Ajouter le créneau' }).click();

  const row = teacher.locator('#slots tbody tr');
  await teacher.locator('#slots tbody tr time[title]').first().waitFor(); // swapped in and localised
  assert.equal(await row.count(), 1);
  const startIso = await row.locator('td').first().locator('time').getAttribute('datetime');
  assert.equal(Date.parse(startIso), slot.ms, `the slot starts at the typed local time (${slot.local} ${slot.zone} = ${startIso})`);
  const shown = await visibleText(teacher, row.locator('td').first());
  assert.ok(shown.includes(slot.local.slice(11)), `the start is displayed in local time: ${shown} (typed ${slot.local})`);
  assert.equal(await visibleText(teacher, row.locator('td.seats')), `0 / ${seats}`);
  return slot;
}

/** Publishes the exam from its page. */
async function publishExam(teacher, examId) {
  await clickAndLoad(teacher, teacher.getByRole('button', { name: 'Publier', exact: true }));
  await waitForPath(teacher, `/exams/${examId}`);
  assert.equal(await visibleText(teacher, '#exam-status'), 'Publié');
  assert.ok(await teacher.getByRole('button', { name: 'Dépublier' }).isVisible(), 'an Unpublish button instead');
}

/**
 * Books the only slot of the exam from the student's catalogue (/student, English interface)
 * and returns the booking id. `seats`: `{ capacity, left }`, the free seats before booking.
 */
async function bookOnlySlot(student, examId, title, seats) {
  const slotRow = student.locator(`article#exam-${examId} tbody tr`);
  assert.equal(await slotRow.count(), 1);
  await slotRow.getByRole('button', { name: `Book — ${title}` }).click();
  await student.locator(`article#exam-${examId} tbody tr .badge.ok`).waitFor(); // swapped in
  await student.locator('#toasts .toast').first().waitFor();
  assert.equal(await visibleText(student, '#toasts .toast'), 'Your seat is booked. It is listed in My bookings.');
  assert.equal(await visibleText(student, slotRow.locator('td.seats')), `${seats.left - 1} of ${seats.capacity}`);
  const booking = student.locator('section.my-bookings tbody tr').filter({ hasText: title });
  assert.equal(await booking.count(), 1, 'the booking is listed above the catalogue');
  assert.equal(await booking.getAttribute('data-status'), 'scheduled');
  return (await booking.getAttribute('id')).replace(/^booking-/, '');
}

/** Registers `account` (name, email, password) and books the exam's only slot; returns the booking id. */
async function registerAndBook(student, account, examId, title, seats) {
  await register(student, account);
  assert.equal(await visibleText(student, 'h1'), 'My exams');
  return bookOnlySlot(student, examId, title, seats);
}

/** Waits (up to 150 s) for the booking to leave `scheduled` on /bookings; returns its row. */
async function waitUntilOpen(student, bookingId) {
  await pollUntil(
    'the booking to open on /bookings',
    async () => {
      await student.goto('/bookings');
      const status = await student.locator(`#booking-${bookingId}`).getAttribute('data-status');
      return status === 'scheduled' ? null : status;
    },
    { timeoutMs: 150_000 },
  );
  const row = student.locator(`#booking-${bookingId}`);
  assert.equal(await row.getAttribute('data-status'), 'open');
  assert.equal(await visibleText(student, row.locator('.badge')), 'Open now');
  return row;
}

/**
 * From an open booking's row on /bookings: takes the exam, tests the webcam, consents and starts;
 * waits for the first frame verdict the exam page's monitor sends, and returns the attempt id.
 * `checkConsent(student)` may check the consent page before the camera test.
 */
async function startExam(student, bookingId, checkConsent = async () => {}) {
  const row = student.locator(`#booking-${bookingId}`);
  await row.getByRole('link', { name: 'Take the exam' }).click();
  await waitForPath(student, `/bookings/${bookingId}/start`);
  await checkConsent(student);
  assert.equal(await visibleText(student, '#camera-status'), 'Camera not tested yet.');
  const start = student.getByRole('button', { name: 'Start the exam' });
  assert.ok(await start.isDisabled(), 'Start is disabled before the camera test');

  await student.getByRole('button', { name: 'Test my camera' }).click();
  await student.waitForFunction(() => document.getElementById('camera-status').className === 'ok');
  assert.equal(await visibleText(student, '#camera-status'), 'Camera working. You can start.');
  await student.waitForFunction(() => document.getElementById('camera-preview').videoWidth > 0);
  assert.ok(await start.isEnabled(), 'Start is enabled once the camera works');

  await student.getByLabel('I have read the rules and agree to be monitored during the exam.').check();
  // The exam page's monitor sends each webcam frame's verdict to the server (every 2 s).
  const frame = student.waitForResponse(
    (r) => r.request().method() === 'POST' && /^\/monitoring\/sessions\/[^/]+\/frames$/.test(new URL(r.url()).pathname),
    { timeout: 60_000 },
  );
  frame.catch(() => {}); // awaited below; a failure before that must not go unhandled
  await start.click();
  const path = await waitForPath(student, /^\/attempts\/[^/]+\/q\/1$/);
  assert.equal((await frame).status(), 202, 'the server accepted the frame verdict');
  return path.split('/')[2];
}

/** The `dt` → `dd` pairs of a section's definition list, whitespace collapsed. */
async function definitions(section) {
  return section.locator('dl').first().evaluate((dl) => {
    const out = {};
    dl.querySelectorAll('dt').forEach((dt) => {
      const dd = dt.nextElementSibling;
      out[dt.textContent.trim()] = dd ? dd.textContent.replace(/\s+/g, ' ').trim() : null;
    });
    return out;
  });
}

module.exports = {
  createExam, addQuestion, addSlotSoon, publishExam, bookOnlySlot, registerAndBook, waitUntilOpen, startExam,
  definitions, squash,
};
