// issue 8: the served corpus's pages as HTML and in Chromium.
// Usage: node corpus_test.mjs BASE_URL PAGES_DIR
// Every page saved by corpus_check.py must be valid HTML (html-validate,
// .htmlvalidate.json next to this file); the front page and the item pages
// of the longest headlines (PAGES_DIR/longest.txt) must not overflow a
// 390 px wide phone screen.
import fs from 'node:fs';
import path from 'node:path';
import { HtmlValidate, StaticConfigLoader } from 'html-validate';
import { chromium } from 'playwright-core';

const [base, dir] = process.argv.slice(2);
const failures = [];
// the rules are ours, not found next to the temporary files
const config = JSON.parse(fs.readFileSync(new URL('./.htmlvalidate.json',
  import.meta.url), 'utf8'));
const loader = new StaticConfigLoader(config);
const hv = new HtmlValidate(loader);
async function validate(prefix) {
  const files = fs.readdirSync(dir).filter((f) => f.startsWith(prefix) &&
    f.endsWith('.html')).sort();
  const seen = new Map();
  let bad = 0;
  for (const f of files) {
    const report = await hv.validateFile(path.join(dir, f));
    if (report.valid)
      continue;
    bad++;
    for (const r of report.results)
      for (const m of r.messages) {
        const key = `${m.ruleId}: ${m.message.replace(/"[^"]*"|<[^>]*>/g, '…')}`;
        if (!seen.has(key))
          seen.set(key, `${f}:${m.line}:${m.column}`);
      }
  }
  return { n: files.length, bad, seen };
}
// the desk's own markup: every page, strictly
const pages = await validate('page-');
for (const [k, where] of pages.seen) {
  failures.push(`html-validate ${k} (first at ${where})`);
  console.log('not ok - html-validate', k, 'first at', where);
}
console.log(`${pages.n} pages validated, ${pages.bad} with problems`);
// the outlets' own HTML as the site shows it (sanitized again at render
// with PARSE_SAN_REPAIR: content-model wrappers, no presentational
// attributes, no empty links): strictly too
const bodies = await validate('body-');
for (const [k, where] of bodies.seen) {
  failures.push(`html-validate item body ${k} (first at ${where})`);
  console.log('not ok - html-validate item body', k, 'first at', where);
}
if (bodies.n < 1000) {
  failures.push(`only ${bodies.n} item bodies saved`);
  console.log(`not ok - only ${bodies.n} item bodies saved (the corpus has 3,290 items)`);
}
console.log(`${bodies.n} item bodies validated, ${bodies.bad} with problems`);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
const page = await ctx.newPage();
const paths = ['/', '/archive', ...fs.readFileSync(path.join(dir, 'longest.txt'), 'utf8')
  .split('\n').filter(Boolean)];
for (const p of paths) {
  await page.goto(base + p);
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  if (w > 390) {
    failures.push(`${p}: ${w} px wide at 390 px`);
    console.log(`not ok - ${p}: ${w} px wide at 390 px`);
  } else {
    console.log(`ok - ${p}: fits 390 px`);
  }
}
await browser.close();
process.exit(failures.length ? 1 : 0);
