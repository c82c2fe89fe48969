// issue 11: the sign-up form in headless Chromium, as a reader uses it:
// the footer's small form on the front page carries the address to
// /subscribe; a bad address is refused with the reason next to the field
// and what was typed kept; the honeypot is out of sight and out of the tab
// order; a good sign-up says to check the inbox. With JavaScript off too
// (the forms need none). Screenshots go to ARTIFACT_DIR.
// Usage: node subscribe_test.mjs BASE_URL ARTIFACT_DIR
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [base, artifacts] = process.argv.slice(2);
fs.mkdirSync(artifacts, { recursive: true });
const failures = [];
function check(cond, msg) {
  console.log(`${cond ? 'ok' : 'not ok'} - ${msg}`);
  if (!cond)
    failures.push(msg);
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
for (const js of [true, false]) {
  const tag = js ? 'js' : 'nojs';
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 },
    javaScriptEnabled: js });
  const page = await ctx.newPage();
  const errors = [];
  // a refused sign-up answers 400 on purpose; Chromium logs every 4xx
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 400/.test(m.text()))
      errors.push(m.text());
  });
  await page.goto(base + '/');
  const footer = page.locator('form.signup');
  check(await footer.count() === 1, `${tag}: the front page has the footer sign-up form`);
  await page.getByLabel('Sign up for emails').fill(`reader-${tag}@example.org`);
  await Promise.all([page.waitForURL(/\/subscribe\?/), footer.getByRole('button').click()]);
  check(await page.locator('#subscribe-email').inputValue() === `reader-${tag}@example.org`,
    `${tag}: /subscribe has the address typed in the footer`);
  check(await page.getByLabel('Daily digest', { exact: true }).isChecked(),
    `${tag}: the daily digest is checked by default`);
  // the honeypot: not visible, not reachable with Tab
  const hp = page.locator('#subscribe-website');
  const box = await hp.boundingBox();
  check(!box || box.x < -1000 || box.width <= 1, `${tag}: the honeypot field is out of sight`);
  check(await hp.getAttribute('tabindex') === '-1', `${tag}: the honeypot is out of the tab order`);
  // a bad address
  await page.locator('#subscribe-email').fill('reader at example dot org');
  await Promise.all([page.waitForLoadState('load'),
    page.getByRole('button', { name: 'Sign up' }).last().click()]);
  await page.waitForSelector('#subscribe-email-error');
  const err = await page.locator('#subscribe-email-error').innerText();
  check(/address/.test(err), `${tag}: a bad address gets a message beside the field: "${err}"`);
  check(await page.locator('#subscribe-email').inputValue() === 'reader at example dot org',
    `${tag}: what was typed is kept`);
  check(await page.locator('#subscribe-email').getAttribute('aria-invalid') === 'true',
    `${tag}: the field is marked invalid for screen readers`);
  await page.screenshot({ path: path.join(artifacts, `subscribe-error-${tag}.png`), fullPage: true });
  // no list chosen
  await page.locator('#subscribe-email').fill(`reader-${tag}@example.org`);
  await page.getByLabel('Daily digest', { exact: true }).uncheck();
  await Promise.all([page.waitForLoadState('load'),
    page.getByRole('button', { name: 'Sign up' }).last().click()]);
  check(/Choose at least one list/.test(await page.locator('.lists').innerText()),
    `${tag}: signing up for no list says so`);
  // a good sign-up: two lists
  await page.getByLabel('Daily digest', { exact: true }).check();
  await page.getByLabel('Breaking news').check();
  await Promise.all([page.waitForLoadState('load'),
    page.getByRole('button', { name: 'Sign up' }).last().click()]);
  const notice = await page.locator('.notice').innerText();
  check(/press the button/.test(notice), `${tag}: a good sign-up says to check the inbox`);
  check(await page.title() === 'Check your inbox · The Test Desk' ||
    (await page.title()).startsWith('Check your inbox'), `${tag}: the page is titled for it`);
  await page.screenshot({ path: path.join(artifacts, `subscribe-sent-${tag}.png`), fullPage: true });
  check(errors.length === 0, `${tag}: no console errors (${errors.join('; ')})`);
  await ctx.close();
}
await browser.close();
console.log(`# ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
