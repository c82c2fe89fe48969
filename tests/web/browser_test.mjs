// issue 4: browser tests of the public site in headless Chromium.
// Usage: node browser_test.mjs BASE_URL ARTIFACT_DIR
// Follows home -> section -> item -> original link, searches in English
// and Arabic, opens every hostile item (no dialog, no console error, no
// CSP violation may happen) and saves screenshots at desktop and phone
// widths. Requests to any other origin are answered locally (the outlets'
// photos and links are fictional), and counted.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [base, artifacts] = process.argv.slice(2);
const origin = new URL(base).origin;
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
const thirdParty = new Set();
const problems = [];

async function newPage(viewport) {
  const ctx = await browser.newContext({ viewport, javaScriptEnabled: true });
  const page = await ctx.newPage();
  page.on('dialog', async (d) => {
    problems.push(`dialog ${d.type()}: ${d.message()} on ${page.url()}`);
    await d.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message} on ${page.url()}`));
  page.on('console', (m) => {
    if (m.type() !== 'error')
      return;
    // a third-party request answered 404 below; counted and failed there
    if (/Failed to load resource/.test(m.text()))
      return;
    problems.push(`console error: ${m.text()} on ${page.url()}`);
  });
  await ctx.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin === origin)
      return route.continue();
    thirdParty.add(`${route.request().resourceType()} ${u.origin}`);
    if (route.request().resourceType() === 'document')
      return route.fulfill({ status: 200, contentType: 'text/html',
        body: '<!doctype html><title>original</title><h1>The original article</h1>' });
    return route.fulfill({ status: 404, body: '' });
  });
  return { ctx, page };
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

// ---- the reader's path, desktop and phone ----
for (const [label, viewport] of [['desktop', { width: 1280, height: 900 }],
  ['phone', { width: 390, height: 844 }]]) {
  const { ctx, page } = await newPage(viewport);
  let r = await page.goto(base + '/');
  check(r.status() === 200, `${label}: home status ${r.status()}`);
  check(await page.locator('.brand').count() === 1, `${label}: no masthead`);
  check(await page.locator('.story').count() >= 3, `${label}: fewer than 3 top stories`);
  check(await page.locator('.river li').count() >= 10, `${label}: river too short`);
  await shot(page, `home-${label}`);
  // what a reader sees first, without scrolling
  await page.screenshot({ path: path.join(artifacts, `home-${label}-first-screen.png`) });
  // no horizontal scrolling on a phone
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 1, `${label}: page is ${overflow}px wider than the viewport`);

  // section
  await Promise.all([page.waitForNavigation(), page.locator('nav.sections a[href^="/section/"]').first().click()]);
  check(/\/section\//.test(page.url()), `${label}: section link went to ${page.url()}`);
  check(await page.locator('.entry').count() >= 1, `${label}: empty section page`);
  check(await page.locator('nav.sections a[aria-current="page"]').count() === 1, `${label}: section not marked current`);
  await shot(page, `section-${label}`);

  // item
  await Promise.all([page.waitForNavigation(), page.locator('.entry h2 a').first().click()]);
  check(/\/item\/\d+$/.test(page.url()), `${label}: item link went to ${page.url()}`);
  check(await page.locator('article.article h1').count() === 1, `${label}: item has no headline`);
  check(await page.locator('.dateline time').count() === 1, `${label}: item has no dateline time`);
  await shot(page, `item-${label}`);
  const original = await page.locator('.original a').getAttribute('href');
  check(/^https?:\/\//.test(original || ''), `${label}: original link ${original}`);
  await Promise.all([page.waitForNavigation(), page.locator('.original a').click()]);
  check(page.url() === original, `${label}: original link opened ${page.url()}`);

  // an Arabic item: right to left
  await page.goto(base + '/search?q=' + encodeURIComponent('الجفاف'));
  check(await page.locator('.hits li[dir="rtl"]').count() >= 1, `${label}: Arabic search: no rtl hit`);
  check(await page.locator('.hits mark').count() >= 1, `${label}: Arabic search: nothing highlighted`);
  await shot(page, `search-ar-${label}`);
  await Promise.all([page.waitForNavigation(), page.locator('.hits li a[href^="/item/"]').first().click()]);
  const dir = await page.locator('article.article').getAttribute('dir');
  check(dir === 'rtl', `${label}: Arabic item dir=${dir}`);
  const ff = await page.locator('article.article h1').evaluate((e) => getComputedStyle(e).fontFamily);
  check(/Naskh|Arabic|DejaVu/.test(ff), `${label}: Arabic font stack is ${ff}`);
  await shot(page, `item-ar-${label}`);

  // English search through the form
  await page.goto(base + '/');
  await page.locator('form.quick input[name=q]').fill('drought clause');
  await Promise.all([page.waitForNavigation(), page.locator('form.quick button').click()]);
  check(/\/search\?q=drought\+clause/.test(page.url()), `${label}: search form went to ${page.url()}`);
  check(await page.locator('.hits li').count() >= 1, `${label}: English search found nothing`);
  check(await page.locator('.hits mark').count() >= 1, `${label}: English search: nothing highlighted`);
  await shot(page, `search-${label}`);
  await ctx.close();
}

// ---- issue 9: stories, each event once with its outlets ----
{
  const { ctx, page } = await newPage({ width: 1280, height: 900 });
  await page.goto(base + '/');
  const tops = await page.locator('.top .story').evaluateAll((els) => els.map((e) => ({
    id: e.getAttribute('data-story'),
    headline: e.querySelector('h3 a').textContent.trim(),
    href: e.querySelector('h3 a').getAttribute('href'),
    count: (e.querySelector('a.count') || { textContent: '' }).textContent.trim(),
    coverage: [...e.querySelectorAll('.coverage a')].map((a) => ({ outlet: a.textContent.trim(), href: a.getAttribute('href') })),
    outlet: e.querySelector('.meta .outlet').textContent.trim(),
  })));
  check(tops.length >= 3, `stories: ${tops.length} top stories`);
  check(tops.every((t) => /^\d+$/.test(t.id || '')), 'stories: a top story is not a story');
  check(new Set(tops.map((t) => t.id)).size === tops.length, 'stories: a story shows twice');
  check(new Set(tops.map((t) => t.headline)).size === tops.length, 'stories: a headline shows twice');
  const multi = tops.filter((t) => t.coverage.length > 0);
  check(multi.length >= 1, 'stories: no top story lists more coverage');
  for (const t of multi) {
    const outlets = new Set([t.outlet, ...t.coverage.map((c) => c.outlet)]);
    check(outlets.size === t.coverage.length + 1, `stories: ${t.id}: an outlet listed twice`);
    check(t.count === `${outlets.size} outlets`, `stories: ${t.id}: count "${t.count}" for ${outlets.size} outlets`);
  }
  // one event in two languages is one story (the same wire photo from
  // two outlets within hours: the English and Arabic reports of the
  // agreement in principle)
  const arabic = /[\u0600-\u06FF]/;
  check(multi.some((t) => [t.outlet, ...t.coverage.map((c) => c.outlet)].some((o) => arabic.test(o)) &&
    [t.outlet, ...t.coverage.map((c) => c.outlet)].some((o) => !arabic.test(o))),
    'stories: no top story joins an Arabic and an English outlet');
  // the reports a story shows are not repeated in the river
  const shown = new Set(tops.flatMap((t) => t.coverage.map((c) => c.href)));
  const river = await page.locator('.river li a').evaluateAll((els) => els.map((a) => a.getAttribute('href')));
  check(river.every((h) => !shown.has(h)), 'stories: a story\'s report is repeated in the river');
  await shot(page, 'home-stories');

  // the story page: headline, who was first, every outlet's reports, feeds
  const best = multi.sort((a, b) => b.coverage.length - a.coverage.length)[0] || tops[0];
  await Promise.all([page.waitForNavigation(), page.locator(`.story[data-story="${best.id}"] h3 a`).click()]);
  check(page.url().endsWith(`/story/${best.id}`), `story: link went to ${page.url()}`);
  check((await page.locator('.story-page h1').textContent()).trim() === best.headline, 'story: headline differs from the home page');
  check(await page.locator('.first-outlet').count() === 1, 'story: no first outlet');
  const groups = await page.locator('.outlet-group h2 bdi').allTextContents();
  check(groups.length === best.coverage.length + 1, `story: ${groups.length} outlet groups for ${best.coverage.length + 1} outlets`);
  check(new Set(groups).size === groups.length, 'story: an outlet grouped twice');
  check(await page.locator('.outlet-group .first-tag').count() === 1, 'story: first reporter not marked');
  await shot(page, 'story');
  for (const [suffix, type] of [['feed.xml', 'rss+xml'], ['atom.xml', 'atom+xml'], ['feed.json', 'feed+json']]) {
    const fr = await page.request.get(`${base}/story/${best.id}/${suffix}`);
    check(fr.status() === 200 && fr.headers()['content-type'].includes(type), `story: ${suffix} ${fr.status()} ${fr.headers()['content-type']}`);
  }
  const nf = await page.goto(base + '/story/99999999');
  check(nf.status() === 404, `story: unknown story gave ${nf.status()}`);
  await ctx.close();
}

// ---- hostile content never runs ----
{
  const { ctx, page } = await newPage({ width: 1280, height: 900 });
  const pages = new Set(['/', '/archive', '/search?q=alert', '/search?q=script',
    '/search?q=' + encodeURIComponent('<script>alert(1)</script>'), '/nope']);
  await page.goto(base + '/search?q=alert');
  for (const a of await page.locator('.hits a').all())
    pages.add(await a.getAttribute('href'));
  await page.goto(base + '/');
  for (const a of await page.locator('a[href^="/source/"]').all())
    pages.add(await a.getAttribute('href'));
  for (const p of pages) {
    await page.goto(base + p);
    // hovering and clicking the hostile bits must not run anything either
    for (const el of await page.locator('.body p, .body a, .dek, h1, h3 a').all().then((l) => l.slice(0, 8))) {
      await el.hover({ timeout: 500 }).catch(() => {});
    }
    const scripts = await page.evaluate(() => [...document.scripts].filter((s) => s.type !== 'application/ld+json').length);
    check(scripts === 0, `${p}: ${scripts} executable script elements`);
  }
  const hostile = [...pages].find((p) => /^\/item\//.test(p));
  if (hostile) {
    await page.goto(base + hostile);
    await shot(page, 'item-hostile-desktop');
  }
  check(pages.size > 8, `hostile: only ${pages.size} pages visited`);
  await ctx.close();
}

for (const p of problems)
  check(false, p);
console.log(`third-party requests answered locally: ${[...thirdParty].join(', ') || 'none'}`);
// Pages make no third-party requests (photos come from /media/): only the
// original-article link the test follows on purpose leaves the site.
const subresources = [...thirdParty].filter((x) => !x.startsWith('document '));
check(subresources.length === 0, `pages requested other sites: ${subresources.join(', ')}`);
console.log(`${checks} checks, ${failures.length} failures; screenshots in ${artifacts}`);
await browser.close();
process.exit(failures.length ? 1 : 0);
