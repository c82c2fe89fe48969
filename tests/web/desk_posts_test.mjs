// issue 10: the desk's post forms in headless Chromium (run by
// tests/desk_posts_browser.sh). Usage: node desk_posts_test.mjs BASE_URL
// ARTIFACT_DIR PHOTO
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [base, artifacts, photo] = process.argv.slice(2);
const PASSWORD = 'correct horse battery staple';
fs.mkdirSync(artifacts, { recursive: true });
const failures = [];
let checks = 0;
function check(cond, msg) {
  checks++;
  if (!cond) {
    failures.push(msg);
    console.log('FAIL:', msg);
  }
  return cond;
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
const problems = [];

async function signIn(email) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // the form sent back with a message is a 400 on purpose
    if (m.type() === 'error' && !/status of 400/.test(m.text()))
      problems.push(`console error: ${m.text()} on ${page.url()}`);
  });
  await page.goto(`${base}/desk/posts`);
  check(new URL(page.url()).pathname === '/desk/login',
    `${email}: /desk/posts without a session goes to the sign-in page (${page.url()})`);
  await page.fill('#email', email);
  await page.fill('#password', PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  check(new URL(page.url()).pathname.startsWith('/desk'),
    `${email} signed in (${page.url()})`);
  return { ctx, page };
}

const headline = 'Talks resume in Geneva after a month';
let postPath = null;
let postId = null;

// ---- the editor writes, previews and publishes a post with a photo ----
{
  const { ctx, page } = await signIn('editor@desk.example');
  await page.goto(`${base}/desk/posts`);
  check(await page.locator('a[href="/desk/posts/new"]').count() > 0,
    'the posts list links to a new post');
  await page.click('a[href="/desk/posts/new"]');
  check(new URL(page.url()).pathname === '/desk/posts/new', 'the new post form');
  // a bad field first: no headline, and what was typed comes back
  await page.fill('#f-deck', 'Negotiators return to the table');
  await page.fill('#f-body', 'The talks **resumed** on Monday.');
  await page.evaluate(() => document.querySelector('#f-headline').removeAttribute('required'));
  await Promise.all([page.waitForNavigation(), page.click('button[value=save]')]);
  check(await page.locator('.field-error').first().textContent().catch(() => '') ===
    'A post needs a headline.', 'the message beside the headline');
  check(await page.inputValue('#f-deck') === 'Negotiators return to the table',
    'the deck typed is kept');
  check((await page.inputValue('#f-body')).includes('**resumed**'),
    'the body typed is kept');
  // now the whole post
  await page.fill('#f-headline', headline);
  await page.fill('#f-bylines', 'Eda Editor\nLeila Haddad');
  await page.fill('#f-dateline', 'GENEVA');
  await page.fill('#f-body', 'The talks **resumed** on Monday.\n\n' +
    '> "We are close," a delegate said.\n\n<script>alert("x")</script>');
  await page.setInputFiles('#f-photo', photo);
  await page.fill('#f-caption', 'Delegates arrive at the Palais des Nations.');
  await page.fill('#f-credit', 'Photo: AFP');
  await Promise.all([page.waitForNavigation(), page.click('button[value=preview]')]);
  check(/\/desk\/post\/\d+\/preview$/.test(new URL(page.url()).pathname),
    `preview after saving (${page.url()})`);
  postId = new URL(page.url()).pathname.split('/')[3];
  check(await page.locator('.preview-banner').count() === 1, 'the preview says so');
  check(await page.locator('h1').textContent() === headline, 'preview headline');
  check(await page.locator('article.post picture source[type="image/webp"]').count() === 1,
    'preview shows the photo as <picture> with WebP');
  check((await page.locator('figcaption').textContent()).includes('Photo: AFP'),
    'preview shows caption and credit');
  const img = page.locator('article.post picture img');
  check(await img.evaluate((e) => e.complete && e.naturalWidth > 0), 'the photo loads');
  await page.screenshot({ path: path.join(artifacts, 'desk-post-preview.png'), fullPage: true });
  // not public yet
  const pub = await ctx.request.get(`${base}/post/${postId}`, { maxRedirects: 0 });
  check(pub.status() === 404, `a draft is not public: ${pub.status()}`);
  // back to the form, publish
  await page.click('.preview-banner a');
  check(await page.inputValue('#f-headline') === headline, 'the form has the post');
  check(await page.locator('input[name=photo_id]').count() === 1, 'the photo is kept');
  await page.screenshot({ path: path.join(artifacts, 'desk-post-form.png'), fullPage: true });
  await Promise.all([page.waitForNavigation(), page.click('button[value=publish]')]);
  const link = page.locator('a[href^="/post/"]').first();
  check(await link.count() === 1, 'the form links to the published post');
  postPath = await link.getAttribute('href');
  // a POST without the CSRF token is refused
  const noCsrf = await ctx.request.post(`${base}/desk/posts/new`, {
    form: { headline: 'No token', action: 'save' }, maxRedirects: 0 });
  check(noCsrf.status() === 403, `a POST without the CSRF token: ${noCsrf.status()}`);
  // the post leads the home page (the watcher invalidates within a second)
  let leads = false;
  for (let i = 0; i < 30 && !leads; i++) {
    await page.goto(`${base}/`);
    const first = page.locator('.desk-posts .post-card h3 a').first();
    leads = (await first.count()) > 0 && (await first.textContent()) === headline;
    if (!leads)
      await page.waitForTimeout(200);
  }
  check(leads, 'the published post leads the home page');
  check(await page.evaluate(() => {
    const p = document.querySelector('.desk-posts');
    const t = document.querySelector('#top-h');
    return p && t && (p.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
  }), 'above Top stories');
  await page.screenshot({ path: path.join(artifacts, 'desk-post-home.png') });
  await page.goto(`${base}${postPath}`);
  check(await page.locator('h1').textContent() === headline, 'the post page');
  check((await page.locator('.byline').textContent()).includes('Leila Haddad'),
    'by NAME');
  check(await page.locator('.dateline-lead .place').textContent() === 'GENEVA', 'dateline');
  check(await page.locator('script:not([type="application/ld+json"])').count() === 0,
    'no script from the body');
  // sign out: the session ends
  const cookies = await ctx.cookies();
  const session = cookies.find((c) => c.name === 'nd_session');
  check(session !== undefined, 'a session cookie');
  await page.goto(`${base}/desk/posts`);
  await Promise.all([page.waitForNavigation(), page.click('form[action="/desk/logout"] button')]);
  await page.goto(`${base}/desk/posts`);
  check(new URL(page.url()).pathname === '/desk/login', 'signed out: back to sign-in');
  if (session) {
    // the old session id no longer works, even sent by hand
    const again = await browser.newContext();
    await again.addCookies([{ name: 'nd_session', value: session.value,
      url: `${base}/desk/` }]);
    const r = await again.request.get(`${base}/desk/posts`, {
      maxRedirects: 0, headers: { Accept: 'text/html' } });
    check(r.status() === 303, `the old session after sign-out: ${r.status()}`);
    await again.close();
  }
  await ctx.close();
}

// ---- a writer drafts and submits, and cannot publish ----
{
  const { ctx, page } = await signIn('writer@desk.example');
  await page.goto(`${base}/desk/posts/new`);
  check(await page.locator('button[value=publish]').count() === 0,
    'a writer has no publish button');
  check(await page.locator('button[value=submit]').count() === 1,
    'a writer submits to an editor');
  await page.fill('#f-headline', 'A writer\'s draft');
  await page.fill('#f-body', 'Filed from the field.');
  await Promise.all([page.waitForNavigation(), page.click('button[value=submit]')]);
  const id = new URL(page.url()).pathname.split('/')[3];
  check(/^\d+$/.test(id || ''), `the draft was saved (${page.url()})`);
  const csrf = await page.inputValue('input[name=csrf_token]');
  // publishing by hand, with the token: refused by role
  const r1 = await ctx.request.post(`${base}/desk/post/${id}/publish`, {
    form: { csrf_token: csrf, action: 'publish' }, maxRedirects: 0 });
  check(r1.status() === 403, `a writer publishing by the route: ${r1.status()}`);
  const r2 = await ctx.request.post(`${base}/desk/post/${id}`, {
    form: { csrf_token: csrf, headline: 'A writer\'s draft', action: 'publish' },
    maxRedirects: 0 });
  check(r2.status() === 400 && (await r2.text()).includes('Only an editor publishes'),
    `a writer publishing by the form: ${r2.status()}`);
  const pub = await ctx.request.get(`${base}/post/${id}`, { maxRedirects: 0 });
  check(pub.status() === 404, `the writer's post is not public: ${pub.status()}`);
  // nor can the writer change the editor's published post
  const r3 = await ctx.request.post(`${base}/desk/post/${postId}`, {
    form: { csrf_token: csrf, headline: 'Changed by a writer', action: 'save' },
    maxRedirects: 0 });
  // (not theirs: 403, the desk's page saying whose it is; issue 10)
  check(r3.status() === 403, `a writer editing the editor's post: ${r3.status()}`);
  const mine = await ctx.request.post(`${base}/desk/post/${id}`, {
    form: { csrf_token: csrf, headline: 'A writer\'s draft, edited', action: 'save' },
    maxRedirects: 0 });
  check(mine.status() === 303, `a writer editing their own draft: ${mine.status()}`);
  await page.goto(`${base}${postPath}`);
  check(await page.locator('h1').textContent() === headline, 'the post is unchanged');
  await page.screenshot({ path: path.join(artifacts, 'desk-post-writer.png'), fullPage: true });
  await ctx.close();
}

await browser.close();
for (const p of problems)
  check(false, p);
console.log(`${checks} checks, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
