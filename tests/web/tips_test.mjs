// issue 11: the tips form in headless Chromium with JavaScript disabled.
// Usage: node tips_test.mjs BASE_URL NEWSDESK_BIN DB SECRET_KEY ARTIFACT_DIR
// A reader sends a tip with a file through the real form (no script, and
// the browser must end with no cookie), gets a code phrase, an editor
// replies with `newsdesk tips reply`, and the reader reads the reply with
// the phrase and answers, all by plain form posts. Screenshots at desktop
// and phone widths; no page may overflow the phone's width.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [base, bin, db, key, artifacts] = process.argv.slice(2);
fs.mkdirSync(artifacts, { recursive: true });
const failures = [];
let checks = 0;
function check(cond, msg) {
  checks++;
  if (!cond) {
    failures.push(msg);
    console.log('FAIL:', msg);
  } else {
    console.log('ok -', msg);
  }
  return cond;
}
const nd = (...args) => execFileSync(bin, ['--db', db, ...args],
  { encoding: 'utf8' });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
const marker = `BROWSERMARK-${Date.now().toString(36)}`;
const upload = path.join(artifacts, 'tip-upload.txt');
fs.writeFileSync(upload, `the attachment ${marker}\n`);

try {
  for (const [name, viewport] of [['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 390, height: 844 }]]) {
    const ctx = await browser.newContext({ viewport, javaScriptEnabled: false });
    const page = await ctx.newPage();
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));

    let resp = await page.goto(`${base}/tips`);
    check(resp.status() === 200, `${name}: GET /tips is 200`);
    check((await resp.allHeaders())['cache-control'] === 'no-store',
      `${name}: the form is no-store`);
    check(await page.locator('form[action="/tips"]').count() === 1,
      `${name}: the form is there`);
    check(await page.getByText('What is protected, and what is not').count() === 1,
      `${name}: the page says what is protected`);
    check(requests.every((u) => u.startsWith(base)),
      `${name}: nothing is loaded from another site`);
    const width = await page.evaluate(() =>
      document.documentElement.scrollWidth <= document.documentElement.clientWidth);
    check(width, `${name}: no horizontal overflow`);
    await page.screenshot({ path: path.join(artifacts, `tips-form-${name}.png`), fullPage: true });

    await page.getByLabel('Your message').fill(`Ask about the contract. ${marker} ${name}`);
    await page.getByLabel('A way to reach you (optional)').fill(`mail-${name}@example.org`);
    await page.getByLabel(/A file \(optional/).setInputFiles(upload);
    await Promise.all([page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Send to the editors' }).click()]);
    await page.waitForSelector('h1');
    check(await page.locator('h1').innerText() === 'Your tip reached the desk',
      `${name}: the tip is sent without JavaScript`);
    const phrase = (await page.locator('.code code').innerText()).trim();
    check(/^([a-z2-9]{4}-){6}[a-z2-9]{4}$/.test(phrase),
      `${name}: a code phrase is shown`);
    await page.screenshot({ path: path.join(artifacts, `tips-sent-${name}.png`), fullPage: true });
    check((await ctx.cookies()).length === 0, `${name}: no cookie was set`);

    // the editors read it and reply
    const list = JSON.parse(nd('tips', 'list', '--json'));
    const opened = JSON.parse(nd('tips', 'open', '--key', key, '--json', list[0].id));
    const m = opened[0].messages[0];
    check(m.message.includes(`${marker} ${name}`), `${name}: the editors read the message`);
    check(m.attachment && m.attachment.name === 'tip-upload.txt' &&
      m.attachment.size === fs.statSync(upload).size,
      `${name}: the editors get the file`);
    const replyFile = path.join(artifacts, 'tip-reply.txt');
    fs.writeFileSync(replyFile, `Thank you; can we call? REPLY-${marker}-${name}\n`);
    nd('tips', 'reply', list[0].id, '--key', key, '--message-file', replyFile);

    // the reader comes back with the phrase
    resp = await page.goto(`${base}/tips/reply`);
    check(resp.status() === 200, `${name}: GET /tips/reply is 200`);
    await page.getByLabel('Your code phrase').fill(phrase);
    await Promise.all([page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Read the replies' }).click()]);
    await page.waitForSelector('h1');
    check(await page.getByText(`REPLY-${marker}-${name}`).count() === 1,
      `${name}: the reply shows with the phrase`);
    await page.getByLabel('Answer the editors').fill(`Yes, after six. ANSWER-${marker}`);
    await Promise.all([page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Send the answer' }).click()]);
    await page.waitForSelector('h1');
    check(await page.getByText('Your answer was sealed').count() === 1,
      `${name}: the answer is sent`);
    await page.screenshot({ path: path.join(artifacts, `tips-reply-${name}.png`), fullPage: true });
    const back = JSON.parse(nd('tips', 'open', '--key', key, '--json', list[0].id));
    check(back[0].messages.some((x) => x.from === 'source' &&
      x.message.includes(`ANSWER-${marker}`)), `${name}: the editors read the answer`);

    // a wrong phrase shows nothing
    await page.goto(`${base}/tips/reply`);
    await page.getByLabel('Your code phrase').fill('abcd-efgh-ijkm-npqr-stuv-wxyz-2345');
    await Promise.all([page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Read the replies' }).click()]);
    check(await page.getByText('No tip matches that code phrase').count() === 1 &&
      await page.getByText(`REPLY-${marker}`).count() === 0,
      `${name}: another phrase shows no reply`);
    check((await ctx.cookies()).length === 0, `${name}: still no cookie`);
    await ctx.close();
  }
} finally {
  await browser.close();
}
console.log(`${checks} checks, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
