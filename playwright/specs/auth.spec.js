'use strict';
// Sign-in, sign-out, registration, language and keyboard journeys, one per test, each in a
// fresh browser context (no shared cookies).

const assert = require('node:assert/strict');
const { useBrowser, pathOf } = require('../lib/browser');

const e2e = useBrowser();

const DEMO_PASSWORD = 'password123';

// The demo accounts are saved with French as their language, so their pages are in French.
const DEMO_ACCOUNTS = [
  { email: 'alice@student.com', home: '/student', badge: 'Étudiant', h1: 'Mes examens' },
  { email: 'bob@teacher.com', home: '/teacher', badge: 'Enseignant', h1: 'Mes examens' },
  { email: 'charlie@proctor.com', home: '/proctor', badge: 'Surveillant', h1: 'Sessions en direct' },
  { email: 'diana@admin.com', home: '/admin', badge: 'Administrateur', h1: 'Tableau de bord' },
];

const LOGIN_SUBMIT = 'section#login form button[type="submit"]';
const REGISTER_SUBMIT = 'section#register form button[type="submit"]';
const ROLE_BADGE = '.site-header .badge.role';
const LOGOUT_BUTTON = '.site-header form[action="/logout"] button';

/** Visible, trimmed text of the first element matching `selector`. */
async function visibleText(page, selector) {
  const el = page.locator(selector).first();
  await el.waitFor({ state: 'visible' });
  return (await el.innerText()).trim();
}

/** Waits until the page's URL path is `path`. */
async function waitForPath(page, path) {
  await page.waitForURL((url) => url.pathname === path);
  assert.equal(pathOf(page), path);
}

/** Fills the login form and submits it (a plain form POST, full navigation). */
async function submitLogin(page, email, password) {
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click(LOGIN_SUBMIT);
}

for (const account of DEMO_ACCOUNTS) {
  e2e(`${account.email} logs in to ${account.home} and logs out`, async ({ page }) => {
    await page.goto('/login');
    await submitLogin(page, account.email, DEMO_PASSWORD);
    await waitForPath(page, account.home);

    assert.equal(await visibleText(page, ROLE_BADGE), account.badge, 'role badge in the header');
    const h1 = await visibleText(page, 'h1');
    assert.ok(h1.length > 0, 'the page has a non-empty h1');
    assert.equal(h1, account.h1, 'h1 of the role home (French, the account language)');
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');

    await page.click(LOGOUT_BUTTON);
    await waitForPath(page, '/login');
    assert.equal(await page.locator(ROLE_BADGE).count(), 0, 'no role badge once logged out');

    // The session is gone: the role home now sends the visitor to the login page.
    await page.goto(account.home);
    await waitForPath(page, '/login');
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('next'), account.home, `next parameter in ${page.url()}`);
  });
}

e2e('a wrong password keeps the visitor on /login with an error', async ({ page }) => {
  await page.goto('/login');
  await submitLogin(page, 'alice@student.com', 'not-the-password');
  await page.waitForLoadState('load');

  assert.equal(pathOf(page), '/login');
  assert.equal(await visibleText(page, '.notice-error'), 'Email or password is incorrect.');
  assert.equal(await page.inputValue('#email'), 'alice@student.com', 'email kept in the form');
  assert.equal(await page.inputValue('#password'), '', 'password never echoed back');
  assert.equal(await page.locator(ROLE_BADGE).count(), 0, 'not logged in');
});

e2e('a visitor registers as a student and lands on /student', async ({ page }) => {
  const email = `e2e-student-${Date.now()}@example.com`;
  await page.goto('/register');
  await page.fill('#name', 'Erin Example');
  await page.fill('#email', email);
  await page.fill('#password', 'correct-horse-battery');
  await page.fill('#password_confirm', 'correct-horse-battery');
  await page.click(REGISTER_SUBMIT);
  await waitForPath(page, '/student');

  assert.equal(await visibleText(page, ROLE_BADGE), 'Student');
  assert.match(await visibleText(page, '.site-header .user-name'), /Erin Example/);
  assert.ok((await visibleText(page, 'h1')).length > 0, 'the page has a non-empty h1');
  assert.equal(await page.locator(LOGOUT_BUTTON).count(), 1, 'logged in: a logout button');
});

e2e('registration errors re-render the form (422) with field messages', async ({ page }) => {
  await page.goto('/register');
  await page.fill('#name', 'Frank Typo');
  await page.fill('#email', 'not-an-email');
  await page.fill('#password', 'abc');
  await page.fill('#password_confirm', 'abc');
  const [response] = await Promise.all([
    page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/register' && r.request().method() === 'POST',
    ),
    page.click(REGISTER_SUBMIT),
  ]);
  await page.waitForLoadState('load');

  assert.equal(response.status(), 422, 'HTTP status of the re-rendered form');
  assert.equal(pathOf(page), '/register');
  assert.ok((await visibleText(page, '#email-error')).length > 0, 'email error shown');
  assert.ok((await visibleText(page, '#password-error')).length > 0, 'password error shown');
  assert.equal(await page.locator('.field-error').count() >= 2, true, 'at least two field errors');
  assert.equal(await page.getAttribute('#email', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
  assert.equal(await page.inputValue('#name'), 'Frank Typo', 'typed name kept');
  assert.equal(await page.inputValue('#email'), 'not-an-email', 'typed email kept');
  assert.equal(await page.locator(ROLE_BADGE).count(), 0, 'not logged in');
});

e2e('choosing Français in the language menu switches the login page to French', async ({ page }) => {
  await page.goto('/login');
  assert.equal(await visibleText(page, 'h1'), 'Log in');

  // The select submits its form by itself (static/app.js): no click on the apply button.
  await page.selectOption('#lang-select', { label: 'Français' });
  await page.waitForFunction(() => document.querySelector('h1')?.textContent.trim() === 'Connexion');

  assert.equal(pathOf(page), '/login');
  assert.equal(await visibleText(page, 'h1'), 'Connexion');
  assert.equal(await page.getAttribute('html', 'lang'), 'fr');
  assert.equal(await page.inputValue('#lang-select'), 'fr');
});

e2e('keyboard only: the first Tab on /login focuses the skip link', async ({ page }) => {
  await page.goto('/login');
  await page.keyboard.press('Tab');

  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    return el ? { skip: el.matches('a.skip-link'), href: el.getAttribute('href'), text: el.textContent.trim() } : null;
  });
  assert.ok(focused && focused.skip, `focused element after Tab: ${JSON.stringify(focused)}`);
  assert.equal(focused.href, '#main');
  assert.equal(focused.text, 'Skip to content');
  assert.ok(await page.locator('a.skip-link').isVisible(), 'the focused skip link is visible');

  // Following it moves the focus into the main content.
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'main');
  assert.equal(new URL(page.url()).hash, '#main');
});
