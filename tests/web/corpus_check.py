#!/usr/bin/env python3
"""issue 8: every page of a served corpus, checked as a reader sees it.

usage: corpus_check.py BASE_URL DB OUT_DIR

Fetches the front page, the archive, searches, every item, outlet and
section page, the feeds out and the sitemap; saves each HTML page in OUT_DIR
(for html-validate) and asserts that no headline, <title>, og:title or
JSON-LD headline shows markup or entity text, that "(untitled)" appears
nowhere, and that an undated item is never shown or fed out as published
(no <time> or "just now" on its page, no datePublished, no
pubDate/published/date_published). The outlet's own HTML (div.body) may
have any headings. Writes OUT_DIR/longest.txt: the
paths of the items with the longest headlines, for the overflow check.
"""
import html.parser
import json
import datetime
import os
import re
import sqlite3
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

base, db, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
fails = []
n_checks = 0

# markup that a feed meant as markup, and entities left encoded
TAG = re.compile(r"</?(a|b|i|u|s|em|strong|sup|sub|span|p|br|div|img|font|"
                 r"small|big|code|h[1-6]|ul|li|ol|table|tr|td|cite|q|abbr)"
                 r"(\s[^>]*)?/?>", re.I)
ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]{1,9});", re.I)


BODY = re.compile(r'(<div class="body">\n)(.*)(\n</div>\n(?:<p class="tags">|'
                  r'<p class="original">|</article>))', re.S)


def check(cond, msg):
    global n_checks
    n_checks += 1
    if not cond:
        fails.append(msg)
        if len(fails) <= 40:
            print("not ok -", msg)
    return cond


def get(path):
    with urllib.request.urlopen(base + path, timeout=30) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode()


class Page(html.parser.HTMLParser):
    """Collects the texts a reader sees as headlines."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.heads = []          # (where, text)
        self.cur = None
        self.metas = {}
        self.jsonld = []
        self.in_ld = False
        self.times = 0
        self.body_depth = 0      # inside the item's own HTML (div.body)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.body_depth and tag == "div":
            self.body_depth += 1
        elif tag == "div" and a.get("class") == "body":
            self.body_depth = 1
        if self.body_depth:
            return               # the outlet's text: its own headings
        if tag in ("title", "h1", "h2", "h3") or (
                tag == "a" and self.stack and self.stack[-1] == "li"):
            self.cur = [tag, ""]
        if tag == "meta" and a.get("property"):
            self.metas[a["property"]] = a.get("content", "")
        if tag == "script" and a.get("type") == "application/ld+json":
            self.in_ld = True
            self.jsonld.append("")
        if tag == "time":
            self.times += 1
        if tag not in ("meta", "link", "img", "input", "br", "hr"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if self.body_depth:
            if tag == "div":
                self.body_depth -= 1
            return
        if self.cur and self.cur[0] == tag:
            self.heads.append((tag, self.cur[1]))
            self.cur = None
        if tag == "script":
            self.in_ld = False
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if self.cur:
            self.cur[1] += data
        if self.in_ld:
            self.jsonld[-1] += data


def clean(path, where, text):
    check(not TAG.search(text), "%s: markup in %s: %r" % (path, where, text[:120]))
    check(not ENTITY.search(text), "%s: entity text in %s: %r" % (path, where, text[:120]))


saved = 0


def page(path):
    global saved
    status, ctype, body = get(path)
    check(status == 200, "%s: status %d" % (path, status))
    check("(untitled)" not in body, "%s: (untitled)" % path)
    # an unknown time is left out, never shown as an empty <time>
    check('<time datetime=""' not in body, "%s: an empty <time>" % path)
    p = Page()
    p.feed(body)
    for where, text in p.heads:
        clean(path, where, text)
    if "og:title" in p.metas:
        clean(path, "og:title", p.metas["og:title"])
    saved += 1
    # The page as the desk makes it is validated strictly; the outlet's
    # own (sanitized) HTML in div.body separately (body-*.html).
    m = BODY.search(body)
    page_only = body
    if m:
        page_only = body[:m.start(2)] + "<p>body</p>" + body[m.end(2):]
        with open(os.path.join(out, "body-%05d.html" % saved), "w") as f:
            f.write('<!doctype html><html lang="en"><head><title>b</title>'
                    '</head><body><div>\n' + m.group(2) + '\n</div></body></html>\n')
    with open(os.path.join(out, "page-%05d.html" % saved), "w") as f:
        f.write(page_only)
    return p, body


con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
items = con.execute("SELECT id, published, title FROM items").fetchall()
sources = [r[0] for r in con.execute("SELECT id FROM sources")]
sections = [r[0] for r in con.execute("SELECT slug FROM sections")]
undated = {i for i, pub, _ in items if not pub}
print("corpus: %d items (%d undated), %d sources" % (len(items), len(undated), len(sources)))

page("/")
page("/archive")
for q in ("apple", "curious case", "the", "السد"):
    page("/search?" + urllib.parse.urlencode({"q": q}))
for s in sources:
    page("/source/%d" % s)
for s in sections:
    page("/section/%s" % urllib.parse.quote(s))
# Story pages: "first reported" gives a time only when the report that
# came first has one (the desk's first sight of it is not when it was
# reported).
published = {i: pub for i, pub, _ in items}
stories = {}
for sid, iid in con.execute("SELECT story_id, item_id FROM story_items"):
    stories.setdefault(sid, []).append(iid)
check(len(stories) > 0, "corpus: no stories")
for sid, iids in sorted(stories.items()):
    p, body = page("/story/%d" % sid)
    # counts read as English ("1 outlet, 1 report"); "first" marks an
    # outlet only among several
    m = re.search(r'<span class="count">(\d+) outlets?, (\d+) reports?</span>', body)
    if check(m is not None, "/story/%d: no count" % sid):
        c = m.group(0)
        for n, word in ((m.group(1), "outlet"), (m.group(2), "report")):
            check((n == "1") == (n + " " + word + "s" not in c),
                  "/story/%d: %r" % (sid, c))
        if m.group(1) == "1":
            check("first-tag" not in body, "/story/%d: one outlet marked first" % sid)
    m = re.search(r'<p class="dateline first">(.*?)</p>', body, re.S)
    if m and "<time" in m.group(1):
        iso = re.search(r'datetime="([^"]*)"', m.group(1)).group(1)
        shown = {datetime.datetime.fromtimestamp(published[i], datetime.timezone.utc)
                 .strftime("%Y-%m-%dT%H:%M:%SZ") for i in iids if published.get(i)}
        check(iso in shown, "/story/%d: first reported at %s, when none of "
              "its reports was published" % (sid, iso))
for i, pub, _ in items:
    p, body = page("/item/%d" % i)
    for ld in p.jsonld:
        d = json.loads(ld)
        clean("/item/%d" % i, "JSON-LD headline", d.get("headline", ""))
        if i in undated:
            check("datePublished" not in d, "/item/%d: undated, datePublished %s" % (i, d.get("datePublished")))
    if i in undated:
        art = body.split('<article', 1)[-1].split('</article>', 1)[0]
        check("<time" not in art and "just now" not in art.split('class="body"')[0],
              "/item/%d: undated, shows a time" % i)

# feeds out: no invented date for undated items, plain headlines
status, _, rss = get("/feed.xml")
for it in ET.fromstring(rss).iter("item"):
    link = it.findtext("link") or ""
    iid = int(link.rsplit("/", 1)[-1]) if link.rsplit("/", 1)[-1].isdigit() else 0
    clean("/feed.xml", "title", it.findtext("title") or "")
    if iid in undated:
        check(it.find("pubDate") is None, "/feed.xml: undated item %d has a pubDate" % iid)
status, _, jf = get("/feed.json")
for it in json.loads(jf)["items"]:
    iid = int(it["id"].rsplit("/", 1)[-1])
    clean("/feed.json", "title", it.get("title", ""))
    if iid in undated:
        check("date_published" not in it, "/feed.json: undated item %d has date_published" % iid)
status, _, atom = get("/atom.xml")
ns = {"a": "http://www.w3.org/2005/Atom"}
for e in ET.fromstring(atom).iterfind("a:entry", ns):
    iid = int(e.findtext("a:id", "", ns).rsplit("/", 1)[-1])
    if iid in undated:
        check(e.find("a:published", ns) is None, "/atom.xml: undated item %d has published" % iid)
status, ctype, _ = get("/favicon.ico")
check(status == 200 and ctype.startswith("image/"), "/favicon.ico: %d %s" % (status, ctype))

longest = sorted(items, key=lambda r: -len(r[2] or ""))[:8]
with open(os.path.join(out, "longest.txt"), "w") as f:
    for i, _, t in longest:
        f.write("/item/%d\n" % i)
    # and the items whose outlet HTML has a table or code block, which
    # must scroll inside the body, not widen a phone's page
    wide = con.execute("SELECT id FROM items WHERE content LIKE '%<table%' "
                       "OR content LIKE '%<pre%' ORDER BY id LIMIT 8").fetchall()
    check(len(wide) > 0, "the corpus has items with tables or code blocks")
    for (i,) in wide:
        f.write("/item/%d\n" % i)
print("%d pages saved, %d checks, %d failed" % (saved, n_checks, len(fails)))
sys.exit(1 if fails else 0)
