'use strict';
// The admin's analytics journey, on data this spec makes itself (no dependence on other specs or
// their order): the demo teacher builds and publishes an exam through the JSON API and the slot
// form, a new student registers, books, takes and submits it through the API; then the admin
// opens the dashboard (server-drawn SVG charts, the new submission, one health line per
// component), finds the exam by searching and downloads its PDF and CSV reports and its
// submissions export, whose content is checked.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const { useBrowser } = require('../lib/browser');
const { DEMO_PASSWORD, logIn, register, pollUntil } = require('../lib/pages');

const e2e = useBrowser();

const RUN = Date.now().toString(36);
const EXAM_TITLE = `Analytics e2e ${RUN} — Été`;
// Comma, quotes and an accent: the CSV must quote them.
const STUDENT = { name: `Zoë "Stats", ${RUN}`, email: `e2e-analytics-${RUN}@example.com`, password: 'correct-horse-battery' };

/** A JSON API call with a bearer token; asserts the status and returns the body. */
async function api(request, method, path, { token, body, status }) {
  const res = await request.fetch(path, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    data: body,
  });
  const text = await res.text();
  assert.equal(res.status(), status, `${method} ${path}: ${res.status()} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function tokenFor(request, email, password) {
  const body = await api(request, 'POST', '/api/v1/auth/token', { body: { email, password }, status: 200 });
  return body.token;
}

/** Posts a web form as the page's logged-in user, with the page's CSRF token. */
async function postForm(page, path, form) {
  const csrf = await page.locator('meta[name="csrf-token"]').getAttribute('content');
  const res = await page.request.post(path, { form: { ...form, csrf_token: csrf }, maxRedirects: 0 });
  assert.ok([200, 303].includes(res.status()), `POST ${path}: ${res.status()} ${await res.text()}`);
}

/** Clicks a download link; returns the suggested file name and the bytes. */
async function download(page, link) {
  const [file] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return { name: file.suggestedFilename(), bytes: fs.readFileSync(await file.path()) };
}

/**
 * A published exam of the demo teacher (two one-point questions, pass mark 50 %) with a slot
 * opening in a few seconds, and one submission of a new student who answers one question right.
 */
async function makeSubmission(browser) {
  const teacherContext = await browser.newContext({ baseURL: process.env.PROCTORWISE_URL });
  const studentContext = await browser.newContext({ baseURL: process.env.PROCTORWISE_URL });
  try {
    // The student first: the slot below opens a few seconds after it is made, and the booking
    // must come before that.
    const student = await studentContext.newPage();
    await register(student, STUDENT);
    const studentToken = await tokenFor(student.request, STUDENT.email, STUDENT.password);

    const teacher = await teacherContext.newPage();
    await logIn(teacher, 'bob@teacher.com', '/teacher');
    const request = teacher.request;
    const teacherToken = await tokenFor(request, 'bob@teacher.com', DEMO_PASSWORD);
    const exam = await api(request, 'POST', '/api/v1/exams', {
      token: teacherToken,
      body: { title: EXAM_TITLE, duration_minutes: 10, pass_mark_percent: 50, release_mode: 'immediate' },
      status: 201,
    });
    // Options "4" and "6"; the keys are 1-based.
    for (const [prompt, answer] of [['2 + 2 = ?', 1], ['3 + 3 = ?', 2]]) {
      await api(request, 'POST', `/api/v1/exams/${exam.id}/questions`, {
        token: teacherToken,
        body: { kind: 'mcq', prompt, options: ['4', '6'], answer, points: 1 },
        status: 201,
      });
    }
    await teacher.goto(`/exams/${exam.id}`);
    const opensAt = Date.now() + 6_000;
    await postForm(teacher, `/exams/${exam.id}/slots`, { starts_at: String(opensAt), starts_local: '', capacity: '5' });
    await postForm(teacher, `/exams/${exam.id}/publish`, {});
    const published = await api(request, 'GET', `/api/v1/exams/${exam.id}`, { token: teacherToken, status: 200 });
    assert.equal(published.status, 'published');
    assert.equal(published.slots.length, 1);

    const booking = await api(student.request, 'POST', '/api/v1/bookings', {
      token: studentToken,
      body: { slot_id: published.slots[0].id },
      status: 201,
    });
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, opensAt - Date.now() + 500)));
    const started = await api(student.request, 'POST', `/api/v1/bookings/${booking.id}/start`, {
      token: studentToken,
      body: { consent: true, webcam: 'granted' },
      status: 201,
    });
    const attempt = await api(student.request, 'GET', `/api/v1/attempts/${started.attempt_id}`, {
      token: studentToken,
      status: 200,
    });
    // "4" (option 0) to both: right for 2 + 2, wrong for 3 + 3, one point of two.
    for (const q of attempt.questions) {
      await api(student.request, 'POST', `/api/v1/attempts/${started.attempt_id}/answers`, {
        token: studentToken,
        body: { question_id: q.id, response: [0] },
        status: 200,
      });
    }
    await api(student.request, 'POST', `/api/v1/attempts/${started.attempt_id}/submit`, {
      token: studentToken,
      body: {},
      status: 200,
    });
    return exam.id;
  } finally {
    await teacherContext.close();
    await studentContext.close();
  }
}

e2e('admin sees the dashboard charts and downloads an exam PDF and CSV', async ({ page, browser }) => {
  const examId = await makeSubmission(browser);
  await logIn(page, 'diana@admin.com', '/admin');
  // The demo accounts read French, and the choice is remembered on the account: switch to
  // English for this spec and back afterwards, so that the other specs see the demo's French.
  await postForm(page, '/lang', { lang: 'en', next: '/admin' });
  try {
    // Graded (multiple choice only): the submissions export of the exam says so.
    const graded = await pollUntil('the submission graded', async () => {
      const res = await page.request.get(`/analytics/exports/submissions.csv?exam_id=${examId}`);
      const text = await res.text();
      return text.includes(',graded,') ? text : null;
    }, { timeoutMs: 30_000, intervalMs: 1_000 });
    assert.ok(graded.includes(`"Zoë ""Stats"", ${RUN}"`), `the student's name, quoted:\n${graded}`);

    // Charts first, drawn on the server as SVG with an accessible name.
    await page.reload();
    const charts = page.locator('#dashboard figure.chart');
    await charts.first().waitFor({ state: 'visible' });
    assert.ok((await charts.count()) >= 4, 'four charts on the dashboard');
    // Today has a submission: the per-day and score charts are drawn, not "no data".
    for (const [id, mark] of [['chart-per-day', 'polyline.series'], ['chart-scores', 'rect.bar']]) {
      assert.equal(await page.locator(`#${id} svg[role="img"]`).count(), 1, `${id} is an SVG chart`);
      assert.ok((await page.locator(`#${id} svg ${mark}`).count()) > 0, `${id} draws its ${mark}`);
    }
    assert.equal(await page.locator('#chart-per-day details.chart-data table tbody tr').count(), 30);
    assert.ok((await page.locator('#dashboard').innerText()).includes(STUDENT.name), 'recent submissions name the student');
    await page.screenshot({ path: '.artifacts/analytics-dashboard.png', fullPage: true });
    // The live block refreshes itself through htmx, not a page reload.
    assert.match(await page.locator('#dashboard').getAttribute('hx-trigger'), /^every \d+s$/);
    // One health line per component, the database up.
    assert.equal(await page.locator('.health-item').count(), 5);
    assert.equal(await page.locator('.health-item[data-component="database"].health-up').count(), 1);
    assert.equal(await page.locator('.health-item[data-component="storage"].health-up').count(), 1);

    // Reports: find this exam by searching (any exam, not only recent ones).
    await page.goto('/analytics');
    await page.fill('#exam-q', RUN);
    const row = page.locator('#exam-results tr', { hasText: EXAM_TITLE });
    await row.waitFor({ state: 'visible' });

    const pdf = await download(page, row.getByRole('link', { name: 'PDF', exact: true }));
    assert.match(pdf.name, /^exam-analytics-e2e-.+-report\.pdf$/);
    assert.equal(pdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.bytes.subarray(-1024).toString('latin1').includes('%%EOF'), 'a complete PDF');
    // The fonts are embedded (accents render everywhere): several hundred KB.
    assert.ok(pdf.bytes.length > 300_000, `PDF size ${pdf.bytes.length}`);

    const csv = await download(page, row.getByRole('link', { name: 'CSV', exact: true }));
    assert.match(csv.name, /^exam-analytics-e2e-.+-report\.csv$/);
    const text = csv.bytes.toString('utf8');
    assert.ok(text.startsWith('\uFEFF'), 'UTF-8 with a byte-order mark');
    const lines = text.slice(1).split(/\r?\n/);
    assert.equal(lines[0], `Exam report — ${EXAM_TITLE}`);
    assert.ok(lines.includes('Graded copies,1'), `one graded copy:\n${text}`);
    assert.ok(lines.includes('Mean,50.0'), `mean 50 %:\n${text}`);
    assert.ok(lines.includes('Pass rate,100.0'), `pass mark 50 % reached:\n${text}`);

    const sub = await download(page, row.getByRole('link', { name: 'Submissions', exact: true }));
    const subText = sub.bytes.toString('utf8');
    assert.equal(subText.split(/\r?\n/).filter(Boolean).length, 2, 'header and one row');
    assert.ok(subText.includes(`"Zoë ""Stats"", ${RUN}",${STUDENT.email},${EXAM_TITLE},`), subText);
    assert.ok(subText.includes(',graded,1.00,2.00,50.0,1,student'), subText);
  } finally {
    await postForm(page, '/lang', { lang: 'fr', next: '/admin' });
  }
});
