// issue 8: the sitemaps are readable in a browser under the site's CSP.
// Usage: node sitemap_test.mjs ARTIFACT_DIR URL MIN_ROWS [URL MIN_ROWS ...]
// Each URL is a sitemap or a sitemap index. Chromium must lay it out as a
// table through the <?xml-stylesheet type="text/css"?> it names (rows and
// cells, a caption, no page wider than a phone), with no console error or
// warning (a CSP violation, a deprecation such as XSLT's), and the answer
// must keep the strict CSP: no script-src at all.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const [artifacts, ...rest] = process.argv.slice(2);
if (!artifacts || rest.length < 2 || rest.length % 2)
  throw new Error('usage: sitemap_test.mjs ARTIFACT_DIR URL MIN_ROWS ...');
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

for (let i = 0; i < rest.length; i += 2) {
  const url = rest[i];
  const minRows = Number(rest[i + 1]);
  for (const vp of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    const ctx = await browser.newContext({ viewport: vp });
    const page = await ctx.newPage();
    const messages = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning')
        messages.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => messages.push(`page error: ${e.message}`));
    const sheets = [];
    page.on('response', (r) => {
      if (r.request().resourceType() === 'stylesheet')
        sheets.push(`${r.status()} ${r.url()}`);
    });
    const resp = await page.goto(url);
    const where = `${url} at ${vp.width}px`;
    check(resp.status() === 200, `${where}: status ${resp.status()}`);
    const csp = resp.headers()['content-security-policy'] || '';
    check(/default-src 'none'/.test(csp) && !/script-src/.test(csp),
      `${where}: CSP is not the strict one: ${csp}`);
    await page.waitForLoadState('load');
    const got = await page.evaluate(() => {
      const root = document.documentElement;
      const rows = [...root.children];
      const cells = rows.length ? [...rows[0].children] : [];
      const locs = [...document.getElementsByTagNameNS(
        'http://www.sitemaps.org/schemas/sitemap/0.9', 'loc')];
      const shown = locs.filter((l) => {
        const b = l.getBoundingClientRect();
        return b.width > 0 && b.height > 0;
      });
      return {
        root: root.localName,
        rootDisplay: getComputedStyle(root).display,
        caption: getComputedStyle(root, '::before').content,
        rowDisplay: rows.length ? getComputedStyle(rows[0]).display : '',
        cellDisplay: cells.map((c) => `${c.localName}:${getComputedStyle(c).display}`),
        rows: rows.length,
        locs: locs.map((l) => l.textContent),
        shown: shown.length,
        width: document.scrollingElement.scrollWidth,
        xslt: document.querySelector('xslt-warning-banner') !== null,
      };
    });
    check(got.root === 'urlset' || got.root === 'sitemapindex',
      `${where}: root is <${got.root}>, not a sitemap (was the XML transformed?)`);
    check(sheets.length === 1 && /^200 .*\/static\/sitemap\.css\?v=/.test(sheets[0]),
      `${where}: the sitemap's stylesheet was not loaded: ${sheets.join(', ') || 'none'}`);
    check(got.rootDisplay === 'table', `${where}: root displayed ${got.rootDisplay}, not as a table`);
    check(got.rowDisplay === 'table-row', `${where}: an entry is displayed ${got.rowDisplay}`);
    check(got.cellDisplay.length >= 1 && got.cellDisplay.every((c) => c.endsWith(':table-cell')),
      `${where}: an entry's fields are ${got.cellDisplay.join(', ')}`);
    check(/Sitemap/.test(got.caption), `${where}: no caption (${got.caption})`);
    check(got.rows >= minRows && got.locs.length === got.rows,
      `${where}: ${got.rows} rows, ${got.locs.length} addresses, want >= ${minRows}`);
    check(got.shown === got.locs.length, `${where}: only ${got.shown} of ${got.locs.length} addresses are shown`);
    const origin = new URL(url).origin;
    check(got.locs.every((l) => l.startsWith(origin + '/')),
      `${where}: an address is not on the site: ${got.locs.find((l) => !l.startsWith(origin + '/'))}`);
    check(got.width <= vp.width + 1, `${where}: page is ${got.width}px wide`);
    check(!got.xslt, `${where}: Chromium shows its XSLT deprecation banner`);
    for (const m of messages)
      check(false, `${where}: console ${m}`);
    const name = new URL(url).pathname.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');
    await page.screenshot({ path: path.join(artifacts, `${name}-${vp.width}.png`) });
    console.log(`${where}: <${got.root}> as a table of ${got.rows} rows`);
    await ctx.close();
  }
}
console.log(`${checks} checks, ${failures.length} failures; screenshots in ${artifacts}`);
await browser.close();
process.exit(failures.length ? 1 : 0);
