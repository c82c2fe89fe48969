#!/usr/bin/env python3
"""issue 10: the desk's posts on the public site (run by tests/post.sh).

Arguments: BASE_URL BIN DB TMP. Writes posts with `newsdesk post`, then
checks the pages, feeds, sitemap and JSON-LD of a running `newsdesk serve`.
Every check fails loudly; nothing is skipped."""
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

base, BIN, DB, TMP = sys.argv[1:5]
fails = []


def check(cond, what):
    if not cond:
        fails.append(what)
        print("FAIL:", what, file=sys.stderr)


def nd(*args, ok=True):
    p = subprocess.run([BIN, "--db", DB] + list(args), capture_output=True,
                       text=True)
    if ok and p.returncode != 0:
        print("command failed:", args, p.stdout, p.stderr, file=sys.stderr)
        sys.exit(1)
    return p


def get(path, want=200):
    try:
        r = urllib.request.urlopen(base + path)
        body = r.read()
        status = r.status
        hdr = r.headers
    except urllib.error.HTTPError as e:
        body, status, hdr = e.read(), e.code, e.headers
    check(status == want, "%s: status %d, want %d" % (path, status, want))
    return body, hdr


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None


def status_of(path):
    try:
        r = urllib.request.build_opener(NoRedirect).open(base + path)
        return r.status, r.headers
    except urllib.error.HTTPError as e:
        return e.code, e.headers


def page(path, want=200):
    b, h = get(path, want)
    return b.decode("utf-8"), h


def wait_for(path, needle, seconds=5.0, present=True):
    t = time.time()
    while time.time() - t < seconds:
        b, _ = get(path)
        if (needle in b.decode("utf-8", "replace")) == present:
            return time.time() - t
        time.sleep(0.1)
    return None


canary = "<script>alert('post')</script>"
body = os.path.join(TMP, "body.md")
with open(body, "w") as f:
    f.write("The talks **resumed** on Monday.\n\n"
            "> \u201cWe are close,\u201d a delegate said.\n\n"
            + canary + "\n\n[click](javascript:alert('md'))\n\n"
            "<img src=x onerror=alert('img')>\n")

sections = json.loads(nd("section", "list", "--json").stdout)
check(len(sections) > 0, "the demo beat has sections")
sec = sections[0]["slug"]
nd("column", "add", "diplomatic-buzz", "--name", "Diplomatic Buzz",
   "--description", "Who said what behind closed doors.")

# a draft is not public
p = nd("post", "add", "--title", "Draft only", "--body-file", body)
draft_id = re.search(r"post (\d+) draft", p.stdout).group(1)
get("/post/%s" % draft_id, 404)
p = nd("post", "correct", draft_id, "--note", "x", ok=False)
check(p.returncode == 1 and "not published" in p.stderr,
      "a draft cannot be corrected: " + p.stderr)

# photos are refused by their bytes, with a clear message
fake = os.path.join(TMP, "fake.jpg")
with open(fake, "w") as f:
    f.write("<svg onload=alert(1)></svg>")
p = nd("post", "add", "--title", "Fake", "--body-file", body, "--photo",
       fake, "--credit", "X", ok=False)
check(p.returncode == 1 and "not a JPEG, PNG or WebP" in p.stderr,
      "a non-image named .jpg is refused: " + p.stderr)
big = os.path.join(TMP, "big.jpg")
with open(big, "wb") as f:
    f.write(b"\xff\xd8\xff" + b"\0" * (21 << 20))
p = nd("post", "add", "--title", "Big", "--body-file", body, "--photo", big,
       "--credit", "X", ok=False)
check(p.returncode == 1 and "over the limit" in p.stderr,
      "a photo over 20 MB is refused: " + p.stderr)
os.unlink(big)
check("Fake" not in nd("post", "list").stdout, "a refused post is not saved")

# render ids before publishing: only pages showing posts may change
_, h = get("/item/1")
item_rid = h.get("X-Render-Id")
_, h = get("/")
home_rid = h.get("X-Render-Id")

t0 = time.time()
p = nd("post", "add", "--title", "Talks resume in Geneva",
       "--deck", "Negotiators return " + canary, "--body-file", body,
       "--byline", "Leila Haddad", "--byline", "Sam Ortiz",
       "--dateline", "GENEVA", "--section", sec, "--tags", "talks, geneva",
       "--photo", "demo/photos/conference.jpg", "--caption",
       "Delegates arrive at the Palais des Nations.", "--credit",
       "Photo: AFP", "--publish")
m = re.search(r"post (\d+) published: (/post/\d+/[a-z0-9-]+)", p.stdout)
check(m is not None, "post add --publish prints the path: " + p.stdout)
pid, path = m.group(1), m.group(2)
waited = wait_for("/", "Talks resume in Geneva")
check(waited is not None, "the published post reaches the home page")
print("post: upload to on the home page in %.0f ms (demo photo)"
      % ((time.time() - t0) * 1000))

home, h = page("/")
check(h.get("X-Render-Id") != home_rid, "the home page was re-rendered")
check(home.index("Talks resume in Geneva") < home.index('id="top-h"'),
      "the desk's post leads the home page, above Top stories")
_, h = get("/item/1")
check(h.get("X-Render-Id") == item_rid,
      "publishing a post leaves an item page cached")

# the post page
st, hh = status_of("/post/%s" % pid)
check(st == 301 and hh.get("Location") == path, "/post/ID redirects to "
      "the post's address: %s %s" % (st, hh.get("Location")))
html, _ = page(path)
check("<h1>Talks resume in Geneva</h1>" in html, "headline")
check('class="deck">Negotiators return &lt;script&gt;' in html,
      "deck, escaped")
check(re.search(r'By <a class="author" rel="author" href="/byline/leila-haddad">'
                r'Leila Haddad</a> and <a[^>]*href="/byline/sam-ortiz"', html),
      "by NAME and NAME, linking byline pages")
check('<span class="place">GENEVA</span> —' in html, "dateline")
check(re.search(r'<time datetime="\d{4}-\d\d-\d\dT', html), "time")
check("<strong>resumed</strong>" in html, "Markdown body")
for bad in ["<script>alert", "javascript:", "<img src=x"]:
    check(bad not in html, "no %r on the post page" % bad)
check(not re.search(r"<[^>]*\bon[a-z]+=", html), "no on* attribute")
check(re.search(r'<picture><source type="image/webp" srcset="/media/[0-9a-f]{32}'
                r'\.webp \d+w', html), "<picture> with a WebP srcset")
check(re.search(r'<img src="/media/[0-9a-f]{32}\.jpg" srcset="[^"]+" sizes="',
                html), "JPEG <img> with srcset and sizes")
check("Delegates arrive at the Palais des Nations." in html and
      '<span class="credit">Photo: AFP</span>' in html, "caption and credit")
for media in set(re.findall(r"/media/[0-9a-f]{32}\.(?:webp|jpg)", html)):
    data, hh = get(media)
    check(hh.get("Content-Type") in ("image/webp", "image/jpeg"),
          media + " type")
    for mark in (b"Exif", b"EXIF", b"XMP ", b"ns.adobe.com", b"Photoshop"):
        check(mark not in data, "%s carries no %r" % (media, mark))
ld = json.loads(re.search(
    r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
check(ld["@type"] == "NewsArticle", "JSON-LD NewsArticle")
check([a["@type"] for a in ld["author"]] == ["Person", "Person"] and
      ld["author"][0]["name"] == "Leila Haddad", "authors as Persons")
check("datePublished" in ld and ld.get("dateline") == "GENEVA",
      "datePublished, dateline")
check("correction" not in ld, "no correction yet")

# a correction: on the post, in its JSON-LD, on /corrections
time.sleep(1.1)
nd("post", "correct", pid, "--note",
   "An earlier version misspelled the minister\u2019s name.")
check(wait_for(path, "misspelled") is not None, "the correction shows")
html, _ = page(path)
check(re.search(r"<strong>Correction, <time datetime=\"[^\"]+\">[A-Z][a-z]{2} "
                r"\d{1,2}, \d{4}</time>:</strong> An earlier version", html),
      "Correction, Mon D, YYYY: note")
ld = json.loads(re.search(
    r'<script type="application/ld\+json">(.*?)</script>', html).group(1))
check(ld["correction"][0]["@type"] == "CorrectionComment", "CorrectionComment")
check(ld["dateModified"] > ld["datePublished"], "dateModified after edits")
corr, _ = page("/corrections")
check("misspelled" in corr and path in corr, "/corrections lists it")

# an edit keeps a revision
nd("post", "edit", pid, "--title", "Talks resume in Geneva on Monday")
show = json.loads(nd("post", "show", pid, "--json").stdout)
check(show["revisions"] == 1 and show["slug"] == "talks-resume-in-geneva",
      "an edit keeps a revision and the address")
check(wait_for(path, "Talks resume in Geneva on Monday") is not None,
      "the edit shows")

# byline, section, column pages
by, _ = page("/byline/leila-haddad")
check(path in by, "the byline page lists the post")
get("/byline/nobody", 404)
secp, _ = page("/section/" + sec)
check(path in secp, "the post leads its section")
items = json.loads(nd("items", "--json", "--limit", "3").stdout)
ids = [str(i["id"]) for i in items]
p = nd("post", "add", "--kind", "roundup", "--title", "What the papers say",
       "--body-file", body, "--column", "diplomatic-buzz",
       "--pick", ids[0] + ":The desk's summary of the first.",
       "--pick", ids[1] + ":And of the second " + canary, "--publish")
rpath = re.search(r"(/post/\d+/[a-z0-9-]+)", p.stdout).group(1)
check(wait_for("/column/diplomatic-buzz", "What the papers say") is not None,
      "the column page lists its post")
rhtml, _ = page(rpath)
check("The desk&#39;s summary of the first." in rhtml or
      "The desk’s summary of the first." in rhtml or
      "The desk's summary of the first." in rhtml, "roundup summaries")
check("In this roundup" in rhtml and "/item/%s" % ids[0] in rhtml,
      "roundup lists its picks with their links")
check("<script>alert" not in rhtml, "roundup summary escaped")
for feed in ("feed.xml", "atom.xml"):
    xml, _ = get("/column/diplomatic-buzz/" + feed)
    ET.fromstring(xml)
    check(rpath.encode() in xml, "column %s has the post" % feed)
jf, _ = get("/column/diplomatic-buzz/feed.json")
jf = json.loads(jf)
check(any(rpath in i["url"] for i in jf["items"]), "column JSON feed")
for feed in ("/feed.xml", "/atom.xml", "/section/%s/feed.xml" % sec):
    xml, _ = get(feed)
    ET.fromstring(xml)
    check(path.encode() in xml, "%s carries the post" % feed)
jf = json.loads(get("/feed.json")[0])
check(any(path in i["url"] for i in jf["items"]), "/feed.json has the post")
sm, _ = get("/sitemap.xml")
for u in (path, rpath, "/byline/leila-haddad", "/column/diplomatic-buzz",
          "/corrections"):
    check(("<loc>%s%s</loc>" % (base, u)).encode() in sm, "sitemap has " + u)

# a scheduled post goes live by itself
p = nd("post", "add", "--title", "Scheduled dispatch", "--body-file", body,
       "--at", "+2s")
check("scheduled" in p.stdout, "post add --at schedules")
spath = re.search(r"(/post/\d+/[a-z0-9-]+)", p.stdout).group(1)
get(spath, 404)
t = wait_for("/", "Scheduled dispatch", seconds=8)
check(t is not None, "the scheduled post goes live on the home page")
get(spath)

# the desk's forms need a signed-in user: a browser is sent to the login
# page, a POST is refused before any handler runs
req = urllib.request.Request(base + "/desk/posts",
                             headers={"Accept": "text/html"})
try:
    r = urllib.request.build_opener(NoRedirect).open(req)
    st, loc = r.status, r.headers.get("Location")
except urllib.error.HTTPError as e:
    st, loc = e.code, e.headers.get("Location")
check(st == 303 and loc.startswith("/desk/login"), "/desk/posts without a "
      "session: %s %s" % (st, loc))
for path in ("/desk/posts/new", "/desk/post/%s" % pid,
             "/desk/post/%s/publish" % pid, "/desk/post/%s/correct" % pid):
    req = urllib.request.Request(base + path, data=b"headline=x",
                                 method="POST")
    try:
        st = urllib.request.urlopen(req).status
    except urllib.error.HTTPError as e:
        st = e.code
    check(st in (401, 403), "POST %s without a session: %s" % (path, st))

if fails:
    print("%d check(s) failed" % len(fails), file=sys.stderr)
    sys.exit(1)
print("post: all checks passed")
