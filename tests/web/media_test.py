#!/usr/bin/env python3
"""issue 4 ("no third-party requests"): the photo cache, end to end.

Usage: media_test.py NEWSDESK_BIN

A fixture HTTP server on 127.0.0.1 (a thread here, so it can count the
requests) serves a feed and its "photos": a PNG lead image with a GIF
thumbnail, an SVG, an HTML page with a .jpg name (so it is sent as
image/jpeg), an image over the size cap and a photo on 127.0.0.2 (refused
by the SSRF guard). The real `newsdesk fetch` caches what is a real image
and records why the rest was refused; the real `newsdesk serve` shows the
cached photo from /media/ with the right headers, shows no <img> for the
others, and no page has an image from anywhere else.
"""
import hashlib
import http.client
import http.server
import json
import os
import re
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safehtml  # noqa: E402

BIN = sys.argv[1]
failures = []
checks = 0


def check(cond, msg):
    global checks
    checks += 1
    if not cond:
        failures.append(msg)
        print("FAIL:", msg)
    return cond


def png(w, h):
    def chunk(t, d):
        return (struct.pack(">I", len(d)) + t + d +
                struct.pack(">I", zlib.crc32(t + d) & 0xffffffff))
    rows = b"".join(b"\0" + bytes(c for x in range(w)
                                  for c in (x * 4 % 256, y * 5 % 256, 128))
                    for y in range(h))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04"
       b"\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D"
       b"\x01\x00;")
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
       b'width="10" height="10"><script>alert(1)</script></svg>')
FAKE = b"<!doctype html><html><body>Not a photo</body></html>"

tmp = tempfile.mkdtemp(prefix="nd-test-media.")
www = os.path.join(tmp, "www")
os.makedirs(www)
files = {
    "lead.png": png(60, 40),
    "thumb.gif": GIF,
    "evil.svg": SVG,
    "fake.jpg": FAKE,
    "big.png": png(300, 300)[:33] + os.urandom(100 * 1024),
}
for name, data in files.items():
    with open(os.path.join(www, name), "wb") as f:
        f.write(data)
hits = {}
hits_mu = threading.Lock()


class Handler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **kw):
        super().__init__(*a, directory=www, **kw)

    def log_message(self, *a):
        pass

    def do_GET(self):
        with hits_mu:
            hits[self.path] = hits.get(self.path, 0) + 1
        return super().do_GET()


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # newsdesk hangs up on the oversize photo: expected


srv = Server(("127.0.0.1", 0), Handler)
port = srv.server_address[1]
threading.Thread(target=srv.serve_forever, daemon=True).start()
base = "http://127.0.0.1:%d" % port

ITEMS = [
    ("good", "A photo that is a real PNG", base + "/lead.png", base + "/thumb.gif"),
    ("svg", "An SVG posing as a photo", base + "/evil.svg", None),
    ("fake", "An HTML page sent as image/jpeg", base + "/fake.jpg", None),
    ("big", "A photo over the size cap", base + "/big.png", None),
    ("blocked", "A photo on a blocked address", "http://127.0.0.2:%d/lead.png" % port, None),
]
rss = ['<?xml version="1.0"?><rss version="2.0" '
       'xmlns:media="http://search.yahoo.com/mrss/"><channel>'
       '<title>Photo desk</title><link>%s/</link>' % base]
for i, (guid, title, img, thumb) in enumerate(ITEMS):
    rss.append('<item><guid>%s</guid><title>%s</title><link>%s/%s</link>'
               '<description>Summary of %s.</description>'
               '<pubDate>Sun, 29 Nov 2026 1%d:00:00 GMT</pubDate>'
               '<media:content url="%s" medium="image">'
               '<media:description>Caption %s</media:description>'
               '<media:credit>Credit %s</media:credit></media:content>%s'
               '</item>' % (guid, title, base, guid, guid, i, img, guid, guid,
                            '<media:thumbnail url="%s"/>' % thumb if thumb else ""))
rss.append("</channel></rss>")
with open(os.path.join(www, "feed.xml"), "w") as f:
    f.write("".join(rss))

ini = os.path.join(tmp, "nd.ini")
with open(ini, "w") as f:
    f.write("[fetch]\nallow_hosts = 127.0.0.1\nhost_spacing_ms = 0\n"
            "max_image_kb = 64\nconnect_timeout_s = 2\ntimeout_s = 5\n"
            "[log]\nlevel = warn\n")
db = os.path.join(tmp, "t.db")
env = dict(os.environ, NEWSDESK_CONFIG=ini)


def nd(*args):
    return subprocess.run([BIN, "--db", db] + list(args), env=env,
                          capture_output=True, text=True, timeout=60)


serve = None
try:
    check(nd("init").returncode == 0, "init")
    check(nd("source", "add", base + "/feed.xml").returncode == 0, "source add")
    r = nd("fetch")
    check(r.returncode == 0, "fetch: %s %s" % (r.stdout, r.stderr))
    check("1 sources" in r.stdout and "5 new items" in r.stdout,
          "fetch summary: %r" % r.stdout)
    check("2 photos cached, 4 refused or failed" in r.stdout,
          "photo summary: %r" % r.stdout)
    check(hits.get("/lead.png") == 1 and hits.get("/thumb.gif") == 1,
          "photos fetched once each: %r" % hits)

    con = sqlite3.connect(db)
    rows = {u: (st, t, ln, w, h, e) for u, st, t, ln, w, h, e in con.execute(
        "SELECT url, status, type, len, width, height, error FROM media")}
    con.close()

    def row(url):
        return rows.get(url, (None,) * 6)
    check(row(base + "/lead.png")[:5] == (1, "image/png", len(files["lead.png"]), 60, 40),
          "lead.png cached: %r" % (row(base + "/lead.png"),))
    check(row(base + "/thumb.gif")[:5] == (1, "image/gif", len(GIF), 1, 1),
          "thumb.gif cached: %r" % (row(base + "/thumb.gif"),))
    check(row(base + "/evil.svg")[0] == 2 and row(base + "/evil.svg")[5] == "SVG is refused",
          "svg refused: %r" % (row(base + "/evil.svg"),))
    check(row(base + "/fake.jpg")[0] == 2 and
          row(base + "/fake.jpg")[5] == "not an image (HTML or XML)",
          "html as image/jpeg refused: %r" % (row(base + "/fake.jpg"),))
    check(row(base + "/big.png")[0] == 2 and row(base + "/big.png")[5] == "body exceeds 64 KiB",
          "oversize refused: %r" % (row(base + "/big.png"),))
    blocked = "http://127.0.0.2:%d/lead.png" % port
    check(row(blocked)[0] == 2 and "blocked address 127.0.0.2 (loopback)" in (row(blocked)[5] or ""),
          "blocked address refused: %r" % (row(blocked),))

    # a second cycle asks for none of them again (refusals are remembered)
    before = dict(hits)
    r = nd("fetch", "--all")
    check(r.returncode == 0 and "photos" not in r.stdout,
          "second fetch: %r" % r.stdout)
    check(all(hits.get(p) == before.get(p) for p in
              ("/lead.png", "/thumb.gif", "/evil.svg", "/fake.jpg", "/big.png")),
          "photos fetched again: %r -> %r" % (before, hits))

    serve = subprocess.Popen([BIN, "--db", db, "serve", "--listen", "127.0.0.1:0"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    line = serve.stdout.readline()
    m = re.match(r"newsdesk: serving http://127\.0\.0\.1:(\d+)/", line)
    check(m, "serve: %r" % line)
    wport = int(m.group(1))

    def get(path, headers=None):
        c = http.client.HTTPConnection("127.0.0.1", wport, timeout=10)
        c.request("GET", path, headers=headers or {})
        resp = c.getresponse()
        data = resp.read()
        h = {k.lower(): v for k, v in resp.getheaders()}
        c.close()
        return resp.status, h, data

    key_lead = hashlib.blake2b((base + "/lead.png").encode(), digest_size=16).hexdigest()
    key_thumb = hashlib.blake2b((base + "/thumb.gif").encode(), digest_size=16).hexdigest()
    st, h, home = get("/")
    home = home.decode()
    check(st == 200, "home status %d" % st)
    check("img-src 'self';" in h.get("content-security-policy", "") and
          "http:" not in h.get("content-security-policy", ""),
          "CSP img-src: %r" % h.get("content-security-policy"))
    srcs = re.findall(r'<img[^>]*\ssrc="([^"]*)"', home)
    check(srcs == ["/media/%s.gif" % key_thumb], "home photos: %r" % srcs)
    check('width="1" height="1"' in home, "thumb has its size")
    check(not safehtml.problems(home)[0], "home: %r" % (safehtml.problems(home)[0],))

    # item pages: the good one shows the lead image with caption and
    # credit; the others no <img> at all
    ids = {}
    titles = {title: guid for guid, title, *_ in ITEMS}
    for it in json.loads(nd("items", "--json").stdout):
        ids[titles.get(it["title"])] = it["id"]
    for guid, *_ in ITEMS:
        st, h, page = get("/item/%d" % ids[guid])
        page = page.decode()
        imgs = re.findall(r'<img[^>]*\ssrc="([^"]*)"', page)
        probs = safehtml.problems(page)[0]
        check(st == 200 and not probs, "item %s: %d %r" % (guid, st, probs))
        if guid == "good":
            check(imgs == ["/media/%s.png" % key_lead], "good item photo: %r" % imgs)
            check("<figcaption>Caption good" in page and
                  '<span class="credit">Credit good</span>' in page,
                  "good item caption and credit")
            check('width="60" height="40"' in page, "lead image has its size")
            check('property="og:image" content="http://127.0.0.1:%d/media/%s.png"'
                  % (wport, key_lead) in page, "og:image is the local copy")
        else:
            check(imgs == [] and "<figure" not in page,
                  "item %s shows a photo: %r" % (guid, imgs))

    # feeds out give the cached photo as the desk's own copy
    st, h, rssout = get("/feed.xml")
    check(st == 200 and ('url="http://127.0.0.1:%d/media/%s.png"' % (wport, key_lead))
          in rssout.decode(), "feed.xml enclosure is the local copy")
    check(base + "/lead.png" not in rssout.decode(), "feed.xml still names the outlet's photo")

    # the photo itself
    st, h, data = get("/media/%s.png" % key_lead)
    check(st == 200 and data == files["lead.png"], "media status %d, %d bytes" % (st, len(data)))
    check(h.get("content-type") == "image/png", "media type %r" % h.get("content-type"))
    check(h.get("x-content-type-options") == "nosniff", "media nosniff")
    check("immutable" in h.get("cache-control", "") and "max-age=31536000" in h.get("cache-control", ""),
          "media cache-control %r" % h.get("cache-control"))
    check(h.get("etag") == '"%s"' % key_lead, "media etag %r" % h.get("etag"))
    check("content-encoding" not in h, "media compressed")
    st, h, data = get("/media/%s.png" % key_lead, {"If-None-Match": '"%s"' % key_lead,
                                                   "Accept-Encoding": "gzip"})
    check(st == 304 and data == b"", "media 304: %d" % st)
    st, h, data = get("/media/%s.gif" % key_thumb, {"Accept-Encoding": "gzip"})
    check(st == 200 and data == GIF and h.get("content-type") == "image/gif"
          and "content-encoding" not in h, "gif: %d %r" % (st, h.get("content-type")))
    # photos are kept in memory like pages: a second fetch (a cache hit)
    # gives the same bytes and the same headers as the first, 304 still
    # works from the cache, and HEAD has the headers without the body
    def media_headers(h):
        return {k: v for k, v in h.items() if k != "date"}
    p_lead = "/media/%s.png" % key_lead
    st1, h1, d1 = get(p_lead, {"Accept-Encoding": "gzip, br"})
    st2, h2, d2 = get(p_lead, {"Accept-Encoding": "gzip, br"})
    check(st1 == st2 == 200 and d1 == d2 == files["lead.png"],
          "media twice: %d %d, same bytes %r" % (st1, st2, d1 == d2))
    check(media_headers(h1) == media_headers(h2),
          "media headers differ: %r vs %r" % (h1, h2))
    check(h2.get("content-length") == str(len(files["lead.png"])),
          "media content-length %r" % h2.get("content-length"))
    st, h, data = get(p_lead, {"If-None-Match": '"%s"' % key_lead})
    check(st == 304 and data == b"" and h.get("etag") == '"%s"' % key_lead and
          "immutable" in h.get("cache-control", ""),
          "media 304 from the cache: %d %r" % (st, h))
    st, h, data = get(p_lead, {"If-None-Match": '"%s"' % ("0" * 32)})
    check(st == 200 and data == files["lead.png"],
          "media with another ETag: %d" % st)
    c = http.client.HTTPConnection("127.0.0.1", wport, timeout=10)
    c.request("HEAD", p_lead)
    resp = c.getresponse()
    check(resp.status == 200 and resp.read() == b"" and
          resp.getheader("Content-Type") == "image/png",
          "media HEAD: %d" % resp.status)
    c.close()
    # the bytes of a key never change, so a cached photo outlives a change
    # of the store's data (no generation check): the row is gone from the
    # store, the cached copy is still sent, identical
    st, h, _ = get("/media/%s.gif" % key_thumb)
    con = sqlite3.connect(db)
    con.execute("DELETE FROM media WHERE key = ?", (key_thumb,))
    con.commit()
    con.close()
    time.sleep(0.6)   # the watcher polls the data version every 250 ms
    st2, h2, data = get("/media/%s.gif" % key_thumb)
    check(st == st2 == 200 and data == GIF and
          media_headers(h) == media_headers(h2),
          "cached gif after its row went: %d %d" % (st, st2))
    # wrong extension, unknown key, refused photo, junk: 404
    key_svg = hashlib.blake2b((base + "/evil.svg").encode(), digest_size=16).hexdigest()
    for p in ("/media/%s.jpg" % key_lead, "/media/%s.png" % ("0" * 32),
              "/media/%s.svg" % key_svg, "/media/%s.png" % key_svg,
              "/media/../etc/passwd", "/media/x.png", "/media/%s" % key_lead):
        st, h, data = get(p)
        check(st == 404, "%s: status %d" % (p, st))
    # export writes the photo as a file
    out = os.path.join(tmp, "site")
    r = nd("export", out)
    check(r.returncode == 0, "export: %s" % r.stderr)
    f = os.path.join(out, "media", key_lead + ".png")
    check(os.path.exists(f) and open(f, "rb").read() == files["lead.png"],
          "export has the photo")
finally:
    if serve:
        serve.terminate()
        try:
            serve.wait(10)
        except subprocess.TimeoutExpired:
            serve.kill()
    srv.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)

print("%d checks, %d failures" % (checks, len(failures)))
sys.exit(1 if failures else 0)
