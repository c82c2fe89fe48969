// issue 11: the HTML part of a mail must be valid HTML (html-validate,
// the site's rules in .htmlvalidate.json, with one difference: mail
// clients drop <style> and external CSS, so inline style attributes are
// the way mail is styled, and no-inline-style is off).
// With --site, the site's rules as they are (for the sign-up pages).
// Usage: node mail_html_check.mjs [--site] FILE...
import fs from 'node:fs';
import { HtmlValidate, StaticConfigLoader } from 'html-validate';

const config = JSON.parse(fs.readFileSync(new URL('./.htmlvalidate.json',
  import.meta.url), 'utf8'));
let files = process.argv.slice(2);
if (files[0] === '--site')
  files = files.slice(1);
else
  config.rules = { ...config.rules, 'no-inline-style': 'off' };
const hv = new HtmlValidate(new StaticConfigLoader(config));
let bad = 0;
if (files.length === 0) {
  console.log('not ok - no files given');
  process.exit(1);
}
for (const f of files) {
  const report = await hv.validateFile(f);
  if (report.valid) {
    console.log('ok - valid HTML:', f);
    continue;
  }
  bad++;
  for (const r of report.results)
    for (const m of r.messages)
      console.log(`not ok - ${f}:${m.line}:${m.column}: ${m.ruleId}: ${m.message}`);
}
process.exit(bad ? 1 : 0);
