#!/usr/bin/env python3
"""issue 12: robots.txt and conditional GET for article pages, end to end.

Usage: robots_test.py NEWSDESK_BIN

Four fixture HTTP servers on 127.0.0.1 (four origins: robots.txt is per
scheme, host and port), threads here so they can count requests:
  A: robots.txt with a group for newsdesk (Disallow /private/, Allow
     /private/ok.html, Disallow /*.pdf$) and a "*" group that must not
     apply to us (Disallow /a/); its article pages send an ETag and a
     Last-Modified and answer 304 to a matching conditional GET;
  B: robots.txt answers 503: nothing of B may be fetched for now;
  C: robots.txt answers 404: everything may be fetched;
  D: robots.txt answers 403: everything may be fetched (RFC 9309 2.3.1.3).
The real `newsdesk fetch` runs the cycle; the store says what was fetched
and why not. robots.txt is fetched once per origin and kept in the store
until it expires. With [fetch] article_refresh_s, a stored article is asked
for again with If-None-Match: a 304 keeps the text, a changed page replaces
it, and a failing refresh keeps it.
"""
import http.server
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

BIN = sys.argv[1]
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)
    else:
        print("ok -", msg.split(":")[0])
    return cond


def article(words):
    return ("""<!doctype html><html lang="en"><head><title>Dam talks | Herald
</title></head><body><nav><a href="/">Home</a></nav><article><h1>Dam talks</h1>
<p>Negotiators from both banks of the river met again on Tuesday, and the
mediator said the sticking point remained the release schedule, %s.</p>
<p>Farmers downstream, who depend on the spring flood, asked for a
guarantee written into the treaty, not a promise of goodwill.</p>
<p>The talks, which collapsed in March, resumed after a quiet exchange of
letters between the two ministries, according to officials.</p></article>
<footer><p>Contact us.</p></footer></body></html>""" % words).encode()


ROBOTS_A = b"""# the fixture's robots.txt
User-agent: *
Disallow: /a/

User-agent: NewsDesk
Disallow: /private/
Allow: /private/ok.html
Disallow: /*.pdf$
"""

state = {"etag": '"v1"', "body": article("word alpha"), "fail": False}
hits = {}
cond_hits = {}
mu = threading.Lock()


def make_handler(name, robots):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            key = name + self.path
            with mu:
                hits[key] = hits.get(key, 0) + 1
                if self.headers.get("If-None-Match"):
                    cond_hits[key] = self.headers.get("If-None-Match")
            extra = {}
            if self.path == "/robots.txt":
                status, ctype, body = robots
            elif self.path == "/feed.xml":
                status, ctype, body = 200, "application/rss+xml", FEED
            elif name == "A" and self.path == "/a/art.html":
                if state["fail"]:
                    status, ctype, body = 500, "text/plain", b"down"
                elif self.headers.get("If-None-Match") == state["etag"]:
                    self.send_response(304)
                    self.send_header("ETag", state["etag"])
                    self.end_headers()
                    return
                else:
                    status, ctype, body = 200, "text/html", state["body"]
                    extra = {"ETag": state["etag"],
                             "Last-Modified": "Sun, 29 Nov 2026 10:00:00 GMT"}
            elif self.path.endswith(".html") or self.path.endswith(".pdf"):
                status, ctype, body = 200, "text/html", article("word " + name)
            else:
                status, ctype, body = 404, "text/plain", b"no"
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in extra.items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)
    return Handler


servers = {}
for name, robots in (("A", (200, "text/plain", ROBOTS_A)),
                     ("B", (503, "text/plain", b"busy")),
                     ("C", (404, "text/plain", b"no")),
                     ("D", (403, "text/plain", b"no"))):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), make_handler(name, robots))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    servers[name] = srv
base = {n: "http://127.0.0.1:%d" % s.server_address[1] for n, s in servers.items()}

links = [("A", "/a/art.html"), ("A", "/private/secret.html"),
         ("A", "/private/ok.html"), ("A", "/doc/report.pdf"),
         ("B", "/b/art.html"), ("C", "/c/art.html"), ("D", "/d/art.html")]
FEED = ('<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>'
        '<link>%s/</link>%s</channel></rss>' % (base["A"], "".join(
            '<item><guid>%s%s</guid><title>Item %s%s</title><link>%s%s</link>'
            '<description>One line.</description>'
            '<pubDate>Sun, 29 Nov 2026 1%d:00:00 GMT</pubDate></item>'
            % (n, p, n, p, base[n], p, i) for i, (n, p) in enumerate(links)))).encode()

tmp = tempfile.mkdtemp(prefix="nd-test-robots.")
ini = os.path.join(tmp, "nd.ini")
with open(ini, "w") as f:
    f.write("[fetch]\nallow_hosts = 127.0.0.1\nhost_spacing_ms = 0\n"
            "connect_timeout_s = 2\ntimeout_s = 5\nmax_images_per_cycle = 0\n"
            "max_articles_per_cycle = 20\narticle_refresh_s = 1\n"
            "[log]\nlevel = warn\n")
db = os.path.join(tmp, "t.db")
env = dict(os.environ, NEWSDESK_CONFIG=ini)


def nd(*args):
    return subprocess.run([BIN, "--db", db] + list(args), env=env,
                          capture_output=True, text=True, timeout=60)


def rows():
    con = sqlite3.connect(db)
    r = {u: (s, t, why) for u, s, t, why in con.execute(
        "SELECT url, full_text_state, full_text, full_text_reason FROM items")}
    con.close()
    return r


try:
    check(nd("init").returncode == 0, "init")
    check(nd("source", "add", base["A"] + "/feed.xml").returncode == 0, "source add")
    r = nd("fetch", "--all")
    check(r.returncode == 0, "fetch: %s %s" % (r.stdout, r.stderr))
    check("article pages not fetched: robots.txt" in r.stdout,
          "the summary counts pages robots.txt kept us from: %r" % r.stdout)
    for n in "ABCD":
        check(hits.get(n + "/robots.txt") == 1, "robots.txt of %s asked once: %r" % (n, hits))
    got = rows()
    u = lambda n, p: base[n] + p
    check(hits.get("A/a/art.html") == 1 and got[u("A", "/a/art.html")][0] == 1,
          "the * group does not bind us when one names us: %r" % (got[u("A", "/a/art.html")],))
    check("A/private/secret.html" not in hits and
          got[u("A", "/private/secret.html")][0] == 3 and
          got[u("A", "/private/secret.html")][2] == "disallowed by robots.txt",
          "a disallowed page is not fetched: %r" % (got[u("A", "/private/secret.html")],))
    check(hits.get("A/private/ok.html") == 1,
          "the longer allow wins over the disallow: %r" % hits)
    check("A/doc/report.pdf" not in hits, "Disallow: /*.pdf$ honoured: %r" % hits)
    check("B/b/art.html" not in hits and
          "unreachable" in (got[u("B", "/b/art.html")][2] or ""),
          "robots.txt 503: nothing fetched: %r" % (got[u("B", "/b/art.html")],))
    check(hits.get("C/c/art.html") == 1, "robots.txt 404: allowed: %r" % hits)
    check(hits.get("D/d/art.html") == 1, "robots.txt 403: allowed: %r" % hits)

    # a second cycle: robots.txt comes from the store; the stored article
    # is refreshed with a conditional GET and answered 304
    time.sleep(2.2)
    r = nd("fetch", "--all")
    check(r.returncode == 0, "second fetch: %r" % r.stderr)
    for n in "ACD":
        check(hits.get(n + "/robots.txt") == 1, "robots.txt of %s not asked again: %r" % (n, hits))
    check(cond_hits.get("A/a/art.html") == '"v1"',
          "the refresh sends If-None-Match: %r" % cond_hits)
    check("unchanged (304)" in r.stdout, "a 304 is counted: %r" % r.stdout)
    check("word alpha" in (rows()[u("A", "/a/art.html")][1] or ""),
          "a 304 keeps the text")

    # the page changes: the refresh replaces the text
    state["etag"], state["body"] = '"v2"', article("word bravo")
    time.sleep(2.2)
    r = nd("fetch", "--all")
    t = rows()[u("A", "/a/art.html")][1] or ""
    check("word bravo" in t and "word alpha" not in t,
          "a changed page replaces the text: %r" % t)
    r = nd("search", "bravo")
    check("Item A/a/art.html" in r.stdout, "search finds the new word: %r" % r.stdout)

    # a failing refresh keeps the text
    state["fail"] = True
    time.sleep(2.2)
    before = hits.get("A/a/art.html")
    nd("fetch", "--all")
    check(hits.get("A/a/art.html") == before + 1, "the failing refresh was tried")
    got = rows()[u("A", "/a/art.html")]
    check(got[0] == 1 and "word bravo" in (got[1] or ""),
          "a failing refresh keeps the text: %r" % (got,))

    # robots.txt expires: asked again
    con = sqlite3.connect(db)
    con.execute("UPDATE robots_txt SET expires = 0")
    con.commit()
    con.close()
    time.sleep(2.2)   # a refresh due, so the cycle has pages to ask about
    nd("fetch", "--all")
    check(hits.get("A/robots.txt") == 2, "an expired robots.txt is asked again: %r" % hits)
finally:
    for s in servers.values():
        s.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)

if failures:
    print("%d failed" % len(failures))
    sys.exit(1)
print("all passed")
