#!/usr/bin/env python3
"""issue 12: full text, end to end.

Usage: fulltext_test.py NEWSDESK_BIN

A fixture HTTP server on 127.0.0.1 (a thread here, so it can count the
requests) serves two feeds whose items carry one sentence each, and their
article pages: a real article (with navigation, a sidebar and comments
around it), a PDF, a "page not found" sent with status 200, a 404, and a
page of the second feed, whose source says full_text = never. The real
`newsdesk fetch` fetches the feeds, then the article pages through the
fetch engine, and stores the text (or why there is none); the real
`newsdesk search` finds a word that only the article has. A second cycle
asks for none of the pages again.

Then the item page (issue 12) through a real `newsdesk serve`: by default
an excerpt (the first paragraphs, "Continue reading at" the original),
after `source set --show full` the whole text (the page cache follows the
setting), valid HTML both ways (html-validate), and the article's text is
text: a `<script>` in it is shown, never run.
"""
import http.server
import os
import re
import time
import urllib.request
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading

BIN = sys.argv[1]
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)
    else:
        print("ok -", msg.split(":")[0])
    return cond


ARTICLE = """<!doctype html><html lang="en"><head><title>Dam talks resume |
Korvia Herald</title><meta property="og:image" content="/dam.jpg"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<div class="sidebar"><p>Most read: the weather, again, and a recipe for
plum cake that everyone loves.</p></div>
<article><h1>Dam talks resume</h1>
<p>Negotiators from both banks of the river met again on Tuesday, and the
mediator said the sticking point remained the release schedule.</p>
<p>Farmers downstream, who depend on the spring flood, asked for a
guarantee written into the treaty, not a promise of goodwill.</p>
<p>The talks, which collapsed in March, resumed after a quiet exchange of
letters between the two ministries, according to officials.</p>
<p>A reader asked whether &lt;script&gt;alert(1)&lt;/script&gt; typed into a
comment would run on the page; it would not, the web desk said.</p></article>
<div id="comments"><p>First! This dam is a disgrace, and everybody knows
it, and nobody does anything.</p></div>
<footer><p>Contact us, imprint, privacy, and the rest of it.</p></footer>
</body></html>"""
NOT_FOUND = """<!doctype html><html><head><title>Page not found</title>
</head><body><h1>404</h1><p>Sorry, the page you asked for is not here,
it may have moved.</p></body></html>"""

tmp = tempfile.mkdtemp(prefix="nd-test-fulltext.")
www = os.path.join(tmp, "www")
os.makedirs(www)
pages = {
    "/a/dam.html": (200, "text/html; charset=utf-8", ARTICLE.encode()),
    "/a/report.pdf": (200, "application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
    "/a/gone.html": (200, "text/html", NOT_FOUND.encode()),
    "/a/missing.html": (404, "text/html", b"<html><body>no</body></html>"),
    "/b/other.html": (200, "text/html", ARTICLE.encode()),
}
hits = {}
mu = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        with mu:
            hits[self.path] = hits.get(self.path, 0) + 1
        if self.path.endswith(".xml"):
            with open(os.path.join(www, self.path.lstrip("/")), "rb") as f:
                body = f.read()
            status, ctype = 200, "application/rss+xml"
        else:
            status, ctype, body = pages.get(self.path, (404, "text/plain", b"no"))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
port = srv.server_address[1]
threading.Thread(target=srv.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d" % port


def feed(name, paths, line="One line."):
    items = "".join(
        '<item><guid>%s</guid><title>Item %s</title><link>%s%s</link>'
        '<description>%s</description>'
        '<pubDate>Sun, 29 Nov 2026 1%d:00:00 GMT</pubDate></item>'
        % (p, p, base, p, line, i) for i, p in enumerate(paths))
    with open(os.path.join(www, name), "w") as f:
        f.write('<?xml version="1.0"?><rss version="2.0"><channel>'
                '<title>%s</title><link>%s/</link>%s</channel></rss>'
                % (name, base, items))


feed("a.xml", ["/a/dam.html", "/a/report.pdf", "/a/gone.html",
               "/a/missing.html"])
feed("b.xml", ["/b/other.html"])

ini = os.path.join(tmp, "nd.ini")
with open(ini, "w") as f:
    f.write("[fetch]\nallow_hosts = 127.0.0.1\nhost_spacing_ms = 0\n"
            "connect_timeout_s = 2\ntimeout_s = 5\nmax_images_per_cycle = 0\n"
            "max_articles_per_cycle = 10\n[log]\nlevel = warn\n")
db = os.path.join(tmp, "t.db")
env = dict(os.environ, NEWSDESK_CONFIG=ini)


def nd(*args):
    return subprocess.run([BIN, "--db", db] + list(args), env=env,
                          capture_output=True, text=True, timeout=60)


def item_pages():
    """issue 12: what the item page shows of the stored text."""
    con = sqlite3.connect(db)
    (dam,) = con.execute("SELECT id FROM items WHERE url = ?",
                         (base + "/a/dam.html",)).fetchone()
    (pdf,) = con.execute("SELECT id FROM items WHERE url = ?",
                         (base + "/a/report.pdf",)).fetchone()
    con.close()
    srv = subprocess.Popen([BIN, "--db", db, "serve", "--listen",
                            "127.0.0.1:0"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, env=env, text=True)
    pages_dir = os.path.join(tmp, "pages")
    os.makedirs(pages_dir)
    try:
        m = re.search(r"serving (http://[^/]+)/", srv.stdout.readline())
        if not check(m is not None, "serve started"):
            return
        site = m.group(1)

        def get(path):
            with urllib.request.urlopen(site + path, timeout=10) as f:
                return f.read().decode()

        url = base + "/a/dam.html"
        link = '<a class="button" href="%s"' % url
        page = get("/item/%d" % dam)
        open(os.path.join(pages_dir, "excerpt.html"), "w").write(page)
        check("Negotiators from both banks of the river" in page and
              "Farmers downstream" in page,
              "excerpt: the article's first paragraphs are on the page")
        check("exchange of\nletters" not in page and
              "according to officials" not in page and
              "A reader asked" not in page,
              "excerpt: not the later paragraphs")
        check("From the article, as published by" in page,
              "excerpt: labelled as the outlet's article")
        check(re.search(re.escape(link) + r'[^>]*>Continue reading at <bdi>a\.xml</bdi>',
                        page) is not None,
              "excerpt: 'Continue reading at' the original URL")
        check(page.count(url) >= 1 and "Read the full story at" not in page,
              "excerpt: one link to the original, the continue one")
        # an item with no stored text: the page is as before
        other = get("/item/%d" % pdf)
        check("article-text" not in other and
              "Read the full story at" in other,
              "no stored text: no article section, the usual link")

        r = nd("source", "set", base + "/a.xml", "--show", "full")
        check(r.returncode == 0 and "item pages show full" in r.stdout,
              "source set --show full: %r %r" % (r.stdout, r.stderr))
        r = nd("source", "list", "--json")
        check('"show": "full"' in r.stdout, "source list --json shows it")
        r = nd("source", "set", base + "/a.xml", "--show", "most")
        check(r.returncode != 0 and "want excerpt, full or default" in r.stderr,
              "source set rejects a bad --show: %r" % r.stderr)
        full = page
        for _ in range(40):      # the page cache follows the change log
            full = get("/item/%d" % dam)
            if "according to officials" in full:
                break
            time.sleep(0.1)
        open(os.path.join(pages_dir, "full.html"), "w").write(full)
        check("Negotiators from both banks" in full and
              "according to officials." in full and
              "A reader asked whether" in full,
              "full: the whole text, after the setting changed (cache)")
        check(len(re.findall(r"<p>[^<]*</p>", full.split('class="article-text"')[1]
                             .split("</section>")[0])) == 4,
              "full: a paragraph per extracted paragraph")
        check("The article, as published by" in full and
              re.search(re.escape(link) + r'[^>]*>Read it at <bdi>a\.xml</bdi>',
                        full) is not None,
              "full: labelled, and 'Read it at' the original")
        check("&lt;script&gt;alert(1)&lt;/script&gt;" in full and
              "<script>alert" not in full,
              "full: markup in the article is shown as text")
        # the site-wide default, when the source does not say
        r = nd("source", "set", base + "/a.xml", "--show", "default")
        check(r.returncode == 0, "source set --show default: %r" % r.stderr)
        for _ in range(40):
            page = get("/item/%d" % dam)
            if "according to officials" not in page:
                break
            time.sleep(0.1)
        check("Continue reading at" in page,
              "default: [web] item_text = excerpt: %s" % page[-3000:])
        # the outlet corrects its article: the refreshed text reaches the
        # served page (the item's row changed: the cache drops its page)
        pages["/a/dam.html"] = (200, "text/html; charset=utf-8",
                                ARTICLE.replace("on Tuesday", "on Wednesday")
                                .encode())
        ini2 = os.path.join(tmp, "refresh.ini")
        with open(ini) as f:
            base_ini = f.read()
        with open(ini2, "w") as f:
            f.write(base_ini.replace("[fetch]\n", "[fetch]\narticle_refresh_s = 1\n"))
        time.sleep(1.2)
        r = subprocess.run([BIN, "--db", db, "fetch", "--all"],
                           env=dict(env, NEWSDESK_CONFIG=ini2),
                           capture_output=True, text=True, timeout=60)
        check(r.returncode == 0, "fetch with article refresh: %r" % r.stderr)
        for _ in range(40):
            page = get("/item/%d" % dam)
            if "on Wednesday" in page:
                break
            time.sleep(0.1)
        check("met again on Wednesday" in page and "on Tuesday" not in page,
              "a refreshed article text reaches the cached page: %r" % r.stdout)
    finally:
        srv.terminate()
        srv.wait()
    mods = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "node_modules", "html-validate")
    if check(os.path.isdir(mods) and shutil.which("node"),
             "html-validate present (run scripts/setup.sh)"):
        r = subprocess.run(["node", os.path.join(os.path.dirname(
            os.path.abspath(__file__)), "validate_pages.mjs"), pages_dir, "2"],
            capture_output=True, text=True, timeout=120)
        check(r.returncode == 0, "excerpt and full item pages are valid "
              "HTML: %s %s" % (r.stdout, r.stderr))


try:
    check(nd("init").returncode == 0, "init")
    check(nd("source", "add", base + "/a.xml").returncode == 0, "source add a")
    r = nd("source", "add", base + "/b.xml", "--full-text", "never")
    check(r.returncode == 0, "source add b --full-text never: %r" % r.stderr)
    r = nd("source", "set", base + "/b.xml", "--full-text", "bogus")
    check(r.returncode != 0 and "want auto, always or never" in r.stderr,
          "source set rejects a bad mode: %r" % r.stderr)
    r = nd("fetch")
    check(r.returncode == 0, "fetch: %s %s" % (r.stdout, r.stderr))
    check("1 article texts extracted" in r.stdout, "fetch summary: %r" % r.stdout)
    check(all(hits.get(p) == 1 for p in
              ("/a/dam.html", "/a/report.pdf", "/a/gone.html", "/a/missing.html")),
          "each article page fetched once: %r" % hits)
    check("/b/other.html" not in hits, "full_text = never is honoured: %r" % hits)

    con = sqlite3.connect(db)
    rows = {u: (s, t, why) for u, s, t, why in con.execute(
        "SELECT url, full_text_state, full_text, full_text_reason FROM items")}
    con.close()
    text = rows[base + "/a/dam.html"][1] or ""
    check(rows[base + "/a/dam.html"][0] == 1, "article: text stored %r" % (rows[base + "/a/dam.html"],))
    check(text.startswith("Negotiators from both banks") and
          "according to officials." in text,
          "article text is the article: %r" % text)
    check(not any(w in text for w in ("Most read", "First!", "Contact us", "Home", "Dam talks resume")),
          "article text has no boilerplate: %r" % text)
    check(rows[base + "/a/report.pdf"][:1] == (2,) and rows[base + "/a/report.pdf"][2] == "not-html",
          "pdf: not an article: %r" % (rows[base + "/a/report.pdf"],))
    check(rows[base + "/a/gone.html"][0] == 2 and rows[base + "/a/gone.html"][2] == "not-found",
          "soft 404: not an article: %r" % (rows[base + "/a/gone.html"],))
    check(rows[base + "/a/missing.html"][0] == 2 and "404" in (rows[base + "/a/missing.html"][2] or ""),
          "http 404 recorded: %r" % (rows[base + "/a/missing.html"],))
    check(rows[base + "/b/other.html"][0] == 0, "never: not tried")

    r = nd("search", "mediator")
    check(r.returncode == 0 and "Item /a/dam.html" in r.stdout and
          "other.html" not in r.stdout,
          "search finds a word only the article has: %r %r" % (r.stdout, r.stderr))

    # the feed changes its items: they are stored again, and so is their
    # search row, which must keep the article's text
    feed("a.xml", ["/a/dam.html", "/a/report.pdf", "/a/gone.html",
                   "/a/missing.html"], "One line, corrected.")
    before = dict(hits)
    r = nd("fetch", "--all")
    check("4 updated" in r.stdout, "second fetch updates the items: %r" % r.stdout)
    check(r.returncode == 0, "second fetch: %r" % r.stderr)
    check(all(hits.get(p) == before.get(p) for p in
              ("/a/dam.html", "/a/report.pdf", "/a/gone.html", "/a/missing.html")),
          "no article page asked for again: %r -> %r" % (before, hits))
    r = nd("search", "mediator")
    check("Item /a/dam.html" in r.stdout, "the full text stays indexed after the feed is stored again: %r" % r.stdout)
    item_pages()
finally:
    srv.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)

if failures:
    print("%d failed" % len(failures))
    sys.exit(1)
print("all passed")
