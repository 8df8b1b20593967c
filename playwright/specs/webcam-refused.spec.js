'use strict';
// The webcam is mandatory: a student whose browser refuses the camera is told why and cannot
// start, and the server refuses a start without a working camera even when the page is forced.
//
// The demo student alice@student.com has a booking whose slot opens two minutes after the server
// seeded the demo data (at its start, deploy/lib/e2e.sh); the test waits for it if it runs
// earlier than that. Her interface is in French (the demo accounts' language).

const assert = require('node:assert/strict');
const { useBrowser } = require('../lib/browser');
const { visibleText, waitForPath, logIn, pollUntil } = require('../lib/pages');

const e2e = useBrowser();

const DEMO_EXAM_TITLE = 'Culture générale — examen de démonstration';
const REFUSED_NOTICE =
  "La webcam est obligatoire pour passer l'examen. Autorisez l'accès à la caméra dans votre navigateur " +
  "(icône dans la barre d'adresse) et réessayez. Ce refus a été enregistré.";

e2e(
  'a student who refuses the webcam is told it is mandatory and cannot start',
  async ({ page }) => {
    // The browser answers every camera request as a user who clicked "Block" would.
    await page.addInitScript(() => {
      if (!navigator.mediaDevices) return;
      navigator.mediaDevices.getUserMedia = () =>
        Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });

    await logIn(page, 'alice@student.com', '/student');
    const row = page.locator('#my-bookings tbody tr').filter({ hasText: DEMO_EXAM_TITLE });
    await pollUntil(
      "Alice's demo booking to open on /bookings",
      async () => {
        await page.goto('/bookings');
        const status = await row.getAttribute('data-status');
        return status === 'scheduled' ? null : status;
      },
      { timeoutMs: 150_000 },
    );
    assert.equal(await row.getAttribute('data-status'), 'open');
    await row.getByRole('link', { name: "Passer l'examen" }).click();
    const startPath = await waitForPath(page, /^\/bookings\/[^/]+\/start$/);
    const bookingId = startPath.split('/')[2];

    const start = page.getByRole('button', { name: "Commencer l'examen" });
    assert.ok(await start.isDisabled(), 'Start is disabled before the camera test');
    assert.equal(await page.getByText(REFUSED_NOTICE).count(), 0, 'no refusal notice yet');

    // The refusal is posted to the server, which records it and shows the page again with why.
    const [refusal] = await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/bookings/${bookingId}/webcam-refused`,
      ),
      page.waitForURL((url) => url.pathname === startPath && url.searchParams.get('refused') === '1'),
      page.getByRole('button', { name: 'Tester ma caméra' }).click(),
    ]);
    assert.equal(refusal.status(), 303, 'the refusal is recorded, then the page is shown again');
    const reason = new URLSearchParams(refusal.request().postData() || '').get('reason');
    assert.equal(reason, 'NotAllowedError', 'the reason sent is the browser error name');
    await page.waitForLoadState('load');
    assert.equal(await visibleText(page, 'main .notice-error'), REFUSED_NOTICE);
    assert.ok(await start.isDisabled(), 'Start stays disabled after the refusal');
    await page.getByLabel("J'ai lu les règles et j'accepte d'être surveillé pendant l'examen.").check();
    assert.ok(await start.isDisabled(), 'consenting does not enable Start without a camera');

    // Forcing the button open does not help: the server wants a working camera.
    await page.evaluate(() => {
      document.getElementById('start-button').disabled = false;
    });
    const [forced] = await Promise.all([
      page.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/bookings/${bookingId}/start`,
      ),
      start.click(),
    ]);
    assert.equal(forced.status(), 422, 'a start without a working camera is refused');
    await page.waitForLoadState('load');
    assert.equal(new URL(page.url()).pathname, startPath, 'still on the consent page, no attempt');
    assert.equal(await visibleText(page, 'main .notice-error'), REFUSED_NOTICE);
    assert.ok(await start.isDisabled(), 'Start is disabled again');

    // The booking is still open, not in progress: nothing started.
    await page.goto('/bookings');
    assert.equal(await row.getAttribute('data-status'), 'open');
  },
  { timeout: 200_000 },
);
