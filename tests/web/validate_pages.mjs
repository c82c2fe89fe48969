// Every *.html page in DIR is valid HTML (html-validate with
// .htmlvalidate.json next to this file); at least MIN of them.
// Usage: node validate_pages.mjs DIR MIN
import fs from 'node:fs';
import path from 'node:path';
import { HtmlValidate, StaticConfigLoader } from 'html-validate';

const [dir, min] = process.argv.slice(2);
const config = JSON.parse(fs.readFileSync(new URL('./.htmlvalidate.json',
  import.meta.url), 'utf8'));
const hv = new HtmlValidate(new StaticConfigLoader(config));
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.html')).sort();
let bad = 0;
for (const f of files) {
  const report = await hv.validateFile(path.join(dir, f));
  if (report.valid)
    continue;
  bad++;
  for (const r of report.results)
    for (const m of r.messages)
      console.log(`not ok - ${f}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
}
if (files.length < Number(min || 1)) {
  console.log(`not ok - only ${files.length} pages saved, want ${min}`);
  bad++;
}
console.log(`${files.length} pages validated, ${bad} with problems`);
process.exit(bad ? 1 : 0);
