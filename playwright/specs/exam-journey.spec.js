'use strict';
// The whole life of an exam, through the pages only, as ordered steps sharing two browsers:
// the teacher (demo account, French interface, in the Asia/Kolkata time zone so that the local
// date-time of the slot really has to be converted to UTC) builds an exam with one question of
// each kind, previews it, adds a slot starting in 1–2 minutes and publishes it; a new student
// registers, books the slot, waits for it to open, tests the (fake) webcam, answers, reloads in
// the middle of the exam, submits; the teacher grades the essay and releases the results; the
// student reads the score and the comment. A last step checks that no page the student's
// browser received carried the answer key.

const assert = require('node:assert/strict');
const { useJourney } = require('../lib/browser');
const {
  visibleText, squash, waitForPath, clickAndLoad, logIn, register, clockSeconds,
} = require('../lib/pages');
const {
  createExam, addQuestion, addSlotSoon, publishExam, bookOnlySlot, waitUntilOpen, startExam, definitions,
} = require('../lib/exams');

const { step, actor } = useJourney('exam journey');

const RUN = Date.now().toString(36);
const TEACHER_TIME_ZONE = 'Asia/Kolkata'; // UTC+05:30: a wrong conversion cannot go unnoticed
const EXAM = {
  title: `E2E journey ${RUN}`,
  description: 'Four questions, one of each kind (end-to-end test).',
  minutes: 10,
  passMark: 50,
  seats: 3,
};
// The short answer accepts two answers: the student types the first one (in another case, with
// extra spaces); the second one is a marker that must never reach the student's browser.
const KEY_MARKER = 'zanzibar-e2e';
const GUIDANCE = `Expect a thesis and one concrete example (grading guidance ${RUN}).`;
const QUESTIONS = {
  mcq: { prompt: 'Which planet is known as the Red Planet?', options: ['Venus', 'Mars', 'Jupiter', 'Saturn'], correct: 2 },
  trueFalse: { prompt: 'Water boils at 100 °C at sea level.' },
  short: { prompt: 'What is the historic centre of Zanzibar City called?', accepted: ['Stone Town', KEY_MARKER], typed: '  stone   TOWN ' },
  essay: { prompt: 'In a few lines: why must exam monitoring be fair?', points: '5' },
};
const ESSAY_ANSWER = 'Because every student must be judged on the same rules; for example, a camera glitch must not count as cheating.';
const ESSAY_SCORE = '4';
const COMMENT = `Clear thesis; a second example would help. (${RUN})`;
const STUDENT = { name: `Sam Journey ${RUN}`, email: `e2e-journey-${RUN}@example.com`, password: 'correct-horse-battery' };

/** What the steps learn and pass on. */
const state = {
  examId: null,
  slotStartMs: null,
  bookingId: null,
  attemptId: null,
  /** Bodies of the text responses the student's page received (filled as they arrive). */
  studentBodies: [],
};

/** The question list of the exam page, one entry per question: badge, prompt, key line. */
async function questionList(page) {
  return page.locator('#questions li.question').evaluateAll((items) =>
    items.map((li) => ({
      kind: li.querySelector('.question-meta .badge').textContent.trim(),
      prompt: li.querySelector('p.prewrap').textContent.trim(),
      key: li.querySelector('p.key').textContent.replace(/\s+/g, ' ').trim(),
    })),
  );
}

/** The student's answer form: waits for the autosave request that `act` triggers. */
async function answerAndWaitSaved(student, n, act) {
  const path = `/attempts/${state.attemptId}/q/${n}`;
  const saved = student.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === path);
  await act();
  const response = await saved;
  assert.equal(response.status(), 200, `autosave of question ${n}`);
  await student.locator('#save-status .saved').waitFor();
  assert.match(await visibleText(student, '#save-status'), /^✓ Saved at \S/);
}

/** The countdown once the page script runs it, and the server's deadline attribute. */
async function readTimer(student) {
  await student.waitForFunction(() => /^\d{2}:\d{2}$/.test((document.getElementById('timer') || {}).textContent || ''));
  const text = (await student.textContent('#timer')).trim();
  return { text, seconds: clockSeconds(text), deadline: await student.getAttribute('#attempt', 'data-deadline') };
}

/** Goes to question `n` with the numbered navigation (whose label says whether it is answered). */
async function goToQuestion(student, n, answered) {
  const label = `Question ${n}, ${answered ? 'answered' : 'not answered'}`;
  await student.locator(`#question-nav a[aria-label="${label}"]`).click();
  await waitForPath(student, `/attempts/${state.attemptId}/q/${n}`);
  assert.match(await visibleText(student, 'fieldset.question legend'), new RegExp(`^Question ${n} of 4 \\(`));
}

step('the teacher builds an exam with one question of each kind', async () => {
  const teacher = await actor('teacher', { timezoneId: TEACHER_TIME_ZONE });
  await logIn(teacher, 'bob@teacher.com', '/teacher');
  assert.equal(await visibleText(teacher, 'h1'), 'Mes examens', 'the demo teacher reads French');

  state.examId = await createExam(teacher, EXAM);
  const settings = squash(await visibleText(teacher, '#settings dl'));
  assert.ok(settings.includes(`${EXAM.minutes} min`), `duration in the settings: ${settings}`);
  assert.ok(settings.includes(`${EXAM.passMark} %`), `pass mark in the settings: ${settings}`);
  assert.ok(settings.includes('Quand je les publie'), `manual release in the settings: ${settings}`);
  assert.equal(await visibleText(teacher, '#questions .notice'), 'Aucune question pour le moment.');

  const { mcq, trueFalse, short, essay } = QUESTIONS;
  await addQuestion(teacher, state.examId, 'Choix multiple', 'mcq', async (form) => {
    await form.getByLabel('Énoncé').fill(mcq.prompt);
    for (const [i, option] of mcq.options.entries()) {
      await form.getByLabel(`Proposition ${i + 1}`, { exact: true }).fill(option);
    }
    await form.locator('.option-row').nth(mcq.correct - 1).getByLabel('juste').check();
    await form.getByLabel('Points', { exact: true }).fill('1');
  });
  await addQuestion(teacher, state.examId, 'Vrai / faux', 'true_false', async (form) => {
    await form.getByLabel('Énoncé').fill(trueFalse.prompt);
    await form.locator('fieldset[data-kind="true_false"]').getByLabel('Vrai', { exact: true }).check();
  });
  await addQuestion(teacher, state.examId, 'Réponse courte', 'short_answer', async (form) => {
    await form.getByLabel('Énoncé').fill(short.prompt);
    await form.getByLabel('Réponses acceptées').fill(short.accepted.join('\n'));
  });
  await addQuestion(teacher, state.examId, 'Rédaction', 'essay', async (form) => {
    await form.getByLabel('Énoncé').fill(essay.prompt);
    await form.getByLabel('Consignes de correction').fill(GUIDANCE);
    await form.getByLabel('Points', { exact: true }).fill(essay.points);
  });

  assert.deepEqual(await questionList(teacher), [
    { kind: 'Choix multiple', prompt: mcq.prompt, key: `Corrigé : ${mcq.options[mcq.correct - 1]}` },
    { kind: 'Vrai / faux', prompt: trueFalse.prompt, key: 'Corrigé : Vrai' },
    { kind: 'Réponse courte', prompt: short.prompt, key: `Corrigé : ${short.accepted.join(' · ')}` },
    { kind: 'Rédaction', prompt: essay.prompt, key: `Corrigé : ${GUIDANCE}` },
  ]);
});

step('the preview shows the questions as students see them, without the key', async () => {
  const teacher = await actor('teacher');
  await teacher.locator('nav.actions').getByRole('link', { name: 'Aperçu', exact: true }).click();
  await waitForPath(teacher, `/exams/${state.examId}/preview`);
  assert.equal(await visibleText(teacher, 'h1'), `Aperçu : ${EXAM.title}`);
  assert.equal(
    await visibleText(teacher, '.preview-banner'),
    "Aperçu : voici ce que voient les étudiants. Aucune réponse ne peut être envoyée d'ici.",
  );

  const items = teacher.locator('li.preview-question');
  assert.equal(await items.count(), 4);
  const prompts = await items.locator('legend .prewrap').allInnerTexts();
  assert.deepEqual(prompts.map((p) => p.trim()), Object.values(QUESTIONS).map((q) => q.prompt));
  const options = await items.nth(0).locator('label.choice').allInnerTexts();
  assert.deepEqual(options.map((o) => o.trim()), QUESTIONS.mcq.options);
  assert.equal(await items.nth(0).locator('input[type="radio"]').count(), 4, 'one correct option: radio buttons');
  assert.deepEqual((await items.nth(1).locator('label.choice').allInnerTexts()).map((o) => o.trim()), ['Vrai', 'Faux']);
  assert.equal(await items.nth(2).locator('input[type="text"]').count(), 1, 'short answer: a text field');
  assert.equal(await items.nth(3).locator('textarea').count(), 1, 'essay: a text area');
  assert.match(await visibleText(teacher, items.nth(3).locator('legend')), /\(5 pt\(s\)\)$/);

  // No key: nothing ticked, no accepted answer, no guidance, no "Key:" line, inputs disabled.
  assert.equal(await teacher.locator('li.preview-question input:checked').count(), 0, 'no option is ticked');
  assert.equal(await teacher.locator('li.preview-question fieldset:not([disabled])').count(), 0, 'read-only');
  const html = await teacher.content();
  for (const secret of [KEY_MARKER, 'Stone Town', GUIDANCE, 'Corrigé']) {
    assert.ok(!html.includes(secret), `the preview must not contain ${JSON.stringify(secret)}`);
  }

  await teacher.getByRole('link', { name: "← Retour à l'examen" }).click();
  await waitForPath(teacher, `/exams/${state.examId}`);
});

step('the teacher adds a slot starting in 1–2 minutes, in local time, and publishes', async () => {
  const teacher = await actor('teacher');
  // The start, typed as the teacher reads clocks: local date-time of the browser's time zone,
  // rounded up to a whole minute at least 65 s from now.
  const slot = await addSlotSoon(teacher, EXAM.seats);
  assert.equal(slot.offsetMinutes, 330, `the teacher's browser is at UTC+05:30 (${slot.zone})`);
  assert.notEqual(slot.local, new Date(slot.ms).toISOString().slice(0, 16), 'local time differs from UTC here');
  state.slotStartMs = slot.ms;
  await publishExam(teacher, state.examId);
});

step('a new student registers, finds the exam with its seats left and books the slot', async () => {
  const student = await actor('student');
  // Every text body the student's browser receives, for the last step.
  student.on('response', (response) => {
    const type = response.headers()['content-type'] || '';
    if (!/^(text\/|application\/json)/.test(type)) return;
    const entry = { method: response.request().method(), url: response.url(), status: response.status(), body: null };
    state.studentBodies.push(entry);
    response.text().then(
      (body) => { entry.body = body; },
      () => {}, // redirects have no body
    );
  });

  await register(student, STUDENT);
  assert.equal(await visibleText(student, 'h1'), 'My exams');
  assert.equal(await visibleText(student, '#catalogue-title'), 'Exams open for booking');
  assert.equal(await visibleText(student, 'section.my-bookings p.muted'), 'No upcoming exam booked.');

  const card = student.locator(`article#exam-${state.examId}`);
  assert.equal(await visibleText(student, card.locator('h3')), EXAM.title);
  assert.equal(await visibleText(student, card.locator('.exam-meta')), `Bob Durand · ${EXAM.minutes} min`);
  assert.equal(await visibleText(student, card.locator('.exam-description')), EXAM.description);
  const slotRow = card.locator('tbody tr');
  assert.equal(await slotRow.count(), 1);
  assert.equal(Date.parse(await slotRow.locator('time').getAttribute('datetime')), state.slotStartMs);
  assert.equal(await visibleText(student, slotRow.locator('td.seats')), `${EXAM.seats} of ${EXAM.seats}`);

  state.bookingId = await bookOnlySlot(student, state.examId, EXAM.title, { capacity: EXAM.seats, left: EXAM.seats });
  assert.equal(await visibleText(student, slotRow.locator('.badge')), 'Booked');
  const booking = student.locator(`#booking-${state.bookingId}`);
  assert.equal(await visibleText(student, booking.locator('.badge')), 'Scheduled');
  assert.match(await visibleText(student, booking.locator('.countdown')), /^starts in \d+ min$/);
});

step('the slot opens; the student tests the webcam, consents and starts', async () => {
  const student = await actor('student');
  if (Date.now() < state.slotStartMs - 5_000) {
    // Too early: the start page says when it opens and offers no way in.
    await student.goto(`/bookings/${state.bookingId}/start`);
    assert.match(await visibleText(student, '#not-yet'), /This exam opens at/);
    assert.equal(await student.locator('#start-form').count(), 0);
  }

  await waitUntilOpen(student, state.bookingId);
  // The monitor's first frame verdict must reach the server (202): startExam waits for it.
  state.attemptId = await startExam(student, state.bookingId, async () => {
    assert.equal(await visibleText(student, 'h1'), EXAM.title);
    assert.equal(await visibleText(student, '#consent p'), `4 questions · ${EXAM.minutes} minutes.`);
  });
}, { timeout: 210_000 });

step('the student answers, reloads mid-exam without losing answers or time, and submits', async (t) => {
  const student = await actor('student');
  const { mcq, short } = QUESTIONS;
  assert.equal(await visibleText(student, 'fieldset.question legend'), 'Question 1 of 4 (1 pt)');
  assert.equal(await visibleText(student, 'p.prompt'), mcq.prompt);
  assert.equal(await visibleText(student, '#progress-box label'), '0 of 4 answered');
  assert.ok(await student.locator('#camera-warning').isHidden(), 'the camera runs during the exam');

  await answerAndWaitSaved(student, 1, () => student.getByLabel(mcq.options[mcq.correct - 1], { exact: true }).check());
  assert.equal(await visibleText(student, '#progress-box label'), '1 of 4 answered');
  await student.getByRole('button', { name: /^Next/ }).click();
  await waitForPath(student, `/attempts/${state.attemptId}/q/2`);
  assert.equal(await visibleText(student, 'p.prompt'), QUESTIONS.trueFalse.prompt);
  await answerAndWaitSaved(student, 2, () => student.getByLabel('True', { exact: true }).check());
  assert.equal(await visibleText(student, '#progress-box label'), '2 of 4 answered');

  // Reload: the server keeps the answers and the clock. The countdown is read once it is at
  // least 5 s below the full duration, so that a countdown restarting from the full duration
  // would show more than the 2 s of tolerance.
  const full = EXAM.minutes * 60;
  await student.waitForFunction(
    (limit) => {
      const parts = ((document.getElementById('timer') || {}).textContent || '').split(':').map(Number);
      return parts.length === 2 && parts[0] * 60 + parts[1] <= limit;
    },
    full - 5,
    { timeout: 10_000 },
  );
  const before = await readTimer(student);
  const readAt = Date.now();
  assert.ok(before.seconds > 0 && before.seconds <= full - 5, `time left before the reload: ${before.text}`);
  await student.reload();
  const after = await readTimer(student);
  const elapsed = Math.ceil((Date.now() - readAt) / 1000);
  assert.equal(after.deadline, before.deadline, 'the deadline is the same after the reload');
  assert.ok(
    after.seconds <= before.seconds + 2,
    `the countdown did not restart: ${before.text} before the reload, ${after.text} after`,
  );
  assert.ok(
    after.seconds >= before.seconds - elapsed - 2,
    `the countdown did not jump: ${before.text} before the reload, ${after.text} ${elapsed} s later`,
  );
  t.diagnostic(`time left: ${before.text} before the reload, ${after.text} after`);
  assert.ok(await student.getByLabel('True', { exact: true }).isChecked(), 'answer 2 still selected after the reload');
  assert.equal(await visibleText(student, '#progress-box label'), '2 of 4 answered');
  await goToQuestion(student, 1, true);
  assert.ok(await student.getByLabel(mcq.options[mcq.correct - 1], { exact: true }).isChecked(), 'answer 1 kept');

  await goToQuestion(student, 3, false);
  assert.equal(await visibleText(student, 'p.prompt'), short.prompt);
  await answerAndWaitSaved(student, 3, () => student.getByLabel('Your answer').fill(short.typed));
  await student.getByRole('button', { name: /^Next/ }).click();
  await waitForPath(student, `/attempts/${state.attemptId}/q/4`);
  assert.equal(await visibleText(student, 'p.prompt'), QUESTIONS.essay.prompt);
  await answerAndWaitSaved(student, 4, () => student.getByLabel('Your answer').fill(ESSAY_ANSWER));
  assert.equal(await visibleText(student, '#progress-box label'), '4 of 4 answered');

  // The review is a panel of the same exam page, reached from the numbered navigation.
  await student.locator('#question-nav').getByRole('link', { name: 'Review and submit' }).click();
  await waitForPath(student, `/attempts/${state.attemptId}/review`);
  assert.equal(await visibleText(student, '#review h2'), 'Review and submit');
  assert.equal(await visibleText(student, 'h1'), EXAM.title, 'still the exam page');
  assert.equal(await visibleText(student, '#review p'), 'Every question has an answer.');
  await student.getByLabel('I want to submit my exam now. I will not be able to change my answers.').check();
  await student.getByRole('button', { name: 'Submit my exam' }).click();

  await waitForPath(student, `/attempts/${state.attemptId}/result`);
  assert.equal(await visibleText(student, 'h1'), EXAM.title);
  assert.equal(await visibleText(student, '#result .notice'), 'Your copy has been received and is being graded.');
  assert.equal(await student.locator('.big-score').count(), 0, 'no score before grading');
});

step('the teacher opens the exam’s results and the copy, and grades the essay', async () => {
  const teacher = await actor('teacher');
  // The copy waits in the "To grade" queue…
  await teacher.locator('.site-header nav').getByRole('link', { name: 'À corriger' }).click();
  await waitForPath(teacher, '/grading');
  assert.equal(await visibleText(teacher, 'h1'), 'Copies à corriger');
  const pending = teacher.locator('#review-queue tbody tr').filter({ hasText: EXAM.title });
  assert.equal(await pending.count(), 1);
  assert.ok(squash(await pending.innerText()).includes(STUDENT.name));
  assert.equal(await pending.getByRole('link', { name: '1 réponse(s)' }).count(), 1);

  // …and in the exam's results. No page of the editor links to them (reported): by address.
  await teacher.goto(`/exams/${state.examId}/results`);
  assert.equal(await visibleText(teacher, 'h1'), `Résultats — ${EXAM.title}`);
  const result = teacher.locator('#results tbody tr');
  assert.equal(await result.count(), 1);
  const cells = (await result.locator('td').allInnerTexts()).map(squash);
  assert.equal(cells[0], `${STUDENT.name} ${STUDENT.email}`);
  assert.equal(cells[2], '—', 'no total before the essay is graded');
  assert.equal(cells[3], 'À corriger');
  await result.getByRole('link', { name: 'Ouvrir la copie' }).click();
  await waitForPath(teacher, `/exams/${state.examId}/results/${state.attemptId}`);
  assert.equal(await visibleText(teacher, 'h1'), `Copie de ${STUDENT.name}`);

  const score = teacher.locator('main section.card').first();
  // No total while a question waits for the teacher; the automatic points are already there.
  assert.ok(squash(await score.innerText()).endsWith('Note : — À corriger'), squash(await score.innerText()));
  const sections = teacher.locator('section.copy-question');
  assert.equal(await sections.count(), 4);
  const { mcq, short } = QUESTIONS;
  assert.deepEqual(await definitions(sections.nth(0)), {
    Réponse: mcq.options[mcq.correct - 1], Attendu: mcq.options[mcq.correct - 1], Points: '1 / 1',
  });
  assert.deepEqual(await definitions(sections.nth(1)), { Réponse: 'Vrai', Attendu: 'Vrai', Points: '1 / 1' });
  assert.deepEqual(await definitions(sections.nth(2)), {
    Réponse: squash(short.typed), Attendu: short.accepted.join(' | '), Points: '1 / 1',
  });
  assert.deepEqual(await definitions(sections.nth(3)), { Réponse: ESSAY_ANSWER, Attendu: GUIDANCE, Points: '— / 5' });
  // The teacher's page does carry the key: the last step's check is not vacuous.
  const html = await teacher.content();
  assert.ok(html.includes(KEY_MARKER) && html.includes(GUIDANCE), 'the copy shows the key to the teacher');

  const essay = sections.nth(3);
  await essay.getByLabel('Note (sur 5)').fill(ESSAY_SCORE);
  await essay.getByLabel('Commentaire').fill(COMMENT);
  await essay.getByRole('button', { name: 'Enregistrer la note' }).click();
  await teacher.waitForURL((url) => url.pathname === `/exams/${state.examId}/results/${state.attemptId}` && url.hash.startsWith('#q-'));
  await teacher.waitForLoadState('load');
  assert.ok(squash(await score.innerText()).endsWith('Note : 7 / 8 (87.5 %) Réussi'), squash(await score.innerText()));
  assert.equal((await definitions(sections.nth(3))).Points, `${ESSAY_SCORE} / 5`);
  assert.equal(await sections.nth(3).getByLabel('Commentaire').inputValue(), COMMENT);
});

step('before the release the student only learns that the copy is graded', async () => {
  const student = await actor('student');
  await student.locator('.site-header nav').getByRole('link', { name: 'My results' }).click();
  await waitForPath(student, '/results');
  const row = student.locator('#my-results tbody tr').filter({ hasText: EXAM.title });
  assert.equal(await visibleText(student, row.locator('td').nth(2)), 'Graded; your teacher will release the results.');
  await row.getByRole('link', { name: EXAM.title }).click();
  await waitForPath(student, `/attempts/${state.attemptId}/result`);
  assert.equal(await visibleText(student, '#result .notice'), 'Graded; your teacher will release the results.');
  assert.equal(await student.locator('.big-score, section.copy-question').count(), 0, 'no score, no feedback yet');
});

step('the teacher releases the results', async () => {
  const teacher = await actor('teacher');
  await teacher.getByRole('link', { name: '← Résultats' }).click();
  await waitForPath(teacher, `/exams/${state.examId}/results`);
  assert.equal(await visibleText(teacher, 'h1'), `Résultats — ${EXAM.title}`);
  const row = teacher.locator('#results tbody tr');
  assert.equal(await row.count(), 1);
  const cells = (await row.locator('td').allInnerTexts()).map(squash);
  assert.equal(cells[0], `${STUDENT.name} ${STUDENT.email}`);
  assert.equal(cells[2], '7 / 8 (87.5 %)');
  assert.equal(cells[3], 'Réussi');
  assert.equal(
    await visibleText(teacher, 'main form p.hint'),
    "Les étudiants ne voient leurs résultats corrigés qu'après leur publication.",
  );

  await clickAndLoad(teacher, teacher.getByRole('button', { name: 'Publier les résultats' }));
  await waitForPath(teacher, `/exams/${state.examId}/results`);
  assert.equal(await visibleText(teacher, 'main .notice'), 'Résultats publiés.');
  assert.equal(await teacher.getByRole('button', { name: 'Publier les résultats' }).count(), 0);

  // Graded, the copy has left the queue.
  await teacher.locator('.site-header nav').getByRole('link', { name: 'À corriger' }).click();
  await waitForPath(teacher, '/grading');
  assert.equal(await teacher.locator('#review-queue tbody tr').filter({ hasText: EXAM.title }).count(), 0);
});

step('the student reads the score and the teacher’s comment', async () => {
  const student = await actor('student');
  await student.locator('.site-header nav').getByRole('link', { name: 'My results' }).click();
  await waitForPath(student, '/results');
  assert.equal(await visibleText(student, 'h1'), 'My results');
  const row = student.locator('#my-results tbody tr').filter({ hasText: EXAM.title });
  assert.equal(squash(await visibleText(student, row.locator('td').nth(2))), '7 / 8 (87.5 %) Passed');

  await row.getByRole('link', { name: EXAM.title }).click();
  await waitForPath(student, `/attempts/${state.attemptId}/result`);
  assert.equal(await visibleText(student, '.big-score'), '7 / 8 · 87.5 %');
  assert.equal(await visibleText(student, '#result .notice'), 'You passed this exam.');
  const sections = student.locator('section.copy-question');
  assert.equal(await sections.count(), 4);
  assert.deepEqual(await definitions(sections.nth(2)), { Answer: squash(QUESTIONS.short.typed), Points: '1 / 1' });
  assert.deepEqual(await definitions(sections.nth(3)), {
    Answer: ESSAY_ANSWER, Points: `${ESSAY_SCORE} / 5`, Comment: COMMENT,
  });
  assert.equal(await student.getByText('Expected', { exact: true }).count(), 0, 'the key is not shown');
});

step('the answer key never reached the student’s browser', async (t) => {
  const student = await actor('student');
  await student.waitForLoadState('networkidle');
  const bodies = state.studentBodies.filter((e) => e.body !== null);
  const unread = state.studentBodies.filter((e) => e.body === null && !(e.status >= 300 && e.status < 400));
  const described = unread.map((e) => `${e.method} ${e.status} ${new URL(e.url).pathname}`);
  t.diagnostic(`${bodies.length} text responses checked; unread: ${described.join(', ') || 'none'}`);
  // The only bodies Chromium may drop are those of autosaves cut short by leaving the page
  // (a "Saved at" fragment, sent when the field loses focus on a click on Next or Review), of
  // the monitor's frame verdicts and events cut short the same way (a JSON acknowledgement), and
  // the notification bell's event stream, which never ends (it carries only the bell).
  const autosave = new RegExp(`^/attempts/${state.attemptId}/q/\\d+$`);
  const monitor = /^\/monitoring\/sessions\/[^/]+\/(frames|events)$/;
  for (const e of unread) {
    const path = new URL(e.url).pathname;
    const allowed = (e.method === 'POST' && (autosave.test(path) || monitor.test(path)))
      || (e.method === 'GET' && path === '/notifications/stream');
    assert.ok(allowed, `body not collected: ${described}`);
  }
  const paths = new Set(bodies.map((e) => new URL(e.url).pathname));
  // The check covers the pages that matter: every question page, the review, the autosaves.
  for (const n of [1, 2, 3, 4]) {
    const path = `/attempts/${state.attemptId}/q/${n}`;
    assert.ok(paths.has(path), `the body of ${path} was collected`);
  }
  assert.ok(paths.has(`/attempts/${state.attemptId}/review`), 'the review page was collected');
  assert.ok(paths.has(`/attempts/${state.attemptId}/result`), 'the result page was collected');
  assert.ok(bodies.some((e) => e.body.includes(QUESTIONS.short.prompt)), 'the short-answer question was seen');

  for (const { url, body } of bodies) {
    const lower = body.toLowerCase();
    assert.ok(!lower.includes(KEY_MARKER), `${url} carries the accepted answer ${KEY_MARKER}`);
    assert.ok(!body.includes(GUIDANCE), `${url} carries the essay's grading guidance`);
  }
});
