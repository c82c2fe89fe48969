#!/usr/bin/env python3
"""issue 10: the editors' desk over HTTP, against a real `newsdesk serve`.

- Walks EVERY route of the table (read from `newsdesk routes`, so a new
  route cannot escape) x role (anonymous, writer, editor, admin) x method
  (GET, POST without the CSRF token, POST with it) and checks each answer:
  public GET 200/404, desk routes 303/401/403/200, POST without the token
  403, a method a route does not take 405.
- The session cookie's attributes; sign-out ends the session (the old
  cookie gets 303); `user disable` and `user passwd` end sessions; a
  password change on /desk/account keeps the session that made it and
  ends the others; throttling after repeated failures (429); one message
  for a wrong password and an unknown email; the form keeps what was
  typed but never the password; desk pages are no-store.
- Curation (when the table has it): a hidden item vanishes from the home
  page, search, feeds, the sitemap and its own page (410), and a retitled
  item shows the new headline at once, with the outlet's kept.

Usage: desk_test.py URL BIN DB TMP
"""
import http.client
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

URL, BIN, DB, TMP = sys.argv[1:5]
u = urllib.parse.urlsplit(URL)
HOST, PORT = u.hostname, u.port
PASSWORD = "a long enough password"
failures = []
n_checks = 0


def check(cond, msg):
    global n_checks
    n_checks += 1
    if not cond:
        failures.append(msg)
        print("FAIL:", msg, flush=True)


def nd(*args, check_rc=True):
    p = subprocess.run([BIN, "--db", DB] + list(args), capture_output=True,
                       text=True)
    if check_rc and p.returncode != 0:
        print("FAIL: newsdesk %s: %s" % (" ".join(args), p.stderr))
        failures.append("newsdesk " + " ".join(args))
    return p


PAGES = os.path.join(TMP, "desk-pages")
os.makedirs(PAGES, exist_ok=True)
saved = set()


def save_page(path, st, h, body):
    """Keeps each desk page (and form shown again) once, for
    desk_validate.mjs (html-validate)."""
    if not path.startswith("/desk") or "text/html" not in (
            h.get("Content-Type") or ""):
        return
    key = re.sub(r"\d+", "N", path.split("?")[0]) + "-%d" % st
    if key in saved:
        return
    saved.add(key)
    name = "page-%02d-%s.html" % (len(saved), re.sub(r"[^a-z0-9]+", "-",
                                                      key.lower()))
    with open(os.path.join(PAGES, name), "w") as f:
        f.write(body)


class Client:
    """A browser-ish client: keeps cookies by name (path ignored: the
    test only talks to one site)."""

    def __init__(self):
        self.cookies = {}
        self.set_cookie_headers = []

    def request(self, method, path, form=None, html=True, headers=None):
        c = http.client.HTTPConnection(HOST, PORT, timeout=30)
        h = {"Accept": "text/html" if html else "*/*"}
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv
                                    for kv in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            h["Content-Type"] = "application/x-www-form-urlencoded"
        if headers:
            h.update(headers)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        self.set_cookie_headers = r.headers.get_all("Set-Cookie") or []
        for sc in self.set_cookie_headers:
            name, _, rest = sc.partition("=")
            val = rest.split(";")[0]
            if "Max-Age=0" in sc or val == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = val
        c.close()
        return r.status, r.headers, data

    def get(self, path, **kw):
        st, h, body = self.request("GET", path, **kw)
        save_page(path, st, h, body)
        return st, h, body

    def post(self, path, form, **kw):
        st, h, body = self.request("POST", path, form=form, **kw)
        save_page(path + "-post", st, h, body)
        return st, h, body

    def csrf(self):
        if "nd_csrf" not in self.cookies:
            self.get("/desk/login")
        return self.cookies["nd_csrf"]

    def login(self, email, password=PASSWORD, expect=303):
        st, h, body = self.post("/desk/login", {
            "csrf_token": self.csrf(), "email": email,
            "password": password})
        check(st == expect, "login %s: %d, want %d" % (email, st, expect))
        return st, h, body


# ---- accounts ----
pwfile = os.path.join(TMP, "pw")
with open(pwfile, "w") as f:
    f.write(PASSWORD + "\n")
ROLES = ["writer", "editor", "admin"]
for r in ROLES:
    nd("user", "add", "%s@desk.example" % r, "--name", "The %s" % r.title(),
       "--role", r, "--password-file", pwfile)
nd("user", "add", "victim@desk.example", "--name", "Victim", "--role",
   "writer", "--password-file", pwfile)
short = os.path.join(TMP, "short")
with open(short, "w") as f:
    f.write("short\n")
p = nd("user", "add", "x@desk.example", "--name", "X", "--role", "writer",
       "--password-file", short, check_rc=False)
check(p.returncode != 0 and "12 characters" in p.stderr,
      "user add refuses a short password: %r" % p.stderr)
p = nd("user", "add", "y@desk.example", "--name", "Y", "--role", "boss",
       "--password-file", pwfile, check_rc=False)
check(p.returncode == 2, "user add refuses an unknown role")
users = json.loads(nd("user", "list", "--json").stdout)
check(sorted(x["email"] for x in users) ==
      ["admin@desk.example", "editor@desk.example", "victim@desk.example",
       "writer@desk.example"], "user list --json: %r" % users)

clients = {"anonymous": Client()}
for r in ROLES:
    c = Client()
    st, h, _ = c.login("%s@desk.example" % r)
    clients[r] = c
    if r == "writer":
        sc = [x for x in c.set_cookie_headers if x.startswith("nd_session=")]
        check(len(sc) == 1, "login sets nd_session: %r" % c.set_cookie_headers)
        if sc:
            attrs = [a.strip() for a in sc[0].split(";")]
            check("HttpOnly" in attrs and "SameSite=Strict" in attrs and
                  "Path=/desk" in attrs and "Secure" not in attrs and
                  any(a.startswith("Max-Age=") for a in attrs),
                  "session cookie attributes: %r" % sc[0])
            check(len(attrs[0]) == len("nd_session=") + 43,
                  "session id is 32 random bytes: %r" % attrs[0])
        check(h.get("Location") == "/desk", "login goes to the desk")
        check(h.get("Cache-Control") == "no-store", "login answer no-store")
ROLE_RANK = {"anonymous": 0, "writer": 1, "editor": 2, "admin": 3}

# ---- ids for the route patterns ----
conn_db = __import__("sqlite3").connect(DB)
item_id = conn_db.execute("SELECT max(id) FROM items").fetchone()[0]
story_id = conn_db.execute(
    "SELECT min(x.story_id) FROM story_items x JOIN stories s ON "
    "s.id = x.story_id JOIN items i ON i.id = x.item_id "
    "WHERE s.merged_into IS NULL").fetchone()[0]
check(story_id is not None, "the test store has stories")
slug = conn_db.execute("SELECT slug FROM sections ORDER BY id").fetchone()
slug = slug[0] if slug else "none"
src_id = conn_db.execute("SELECT min(id) FROM sources").fetchone()[0]
day = time.strftime("%Y-%m-%d", time.gmtime(conn_db.execute(
    "SELECT max(sort_time) FROM items").fetchone()[0]))
conn_db.close()
ARGS = {"{slug}": slug, "{date}": day, "{file}": "1.xml"}
# a published post for /post/ and /desk/post/ routes (issue 10)
with open(os.path.join(TMP, "post.md"), "w") as f:
    f.write("A post for the route walk.\n")
post_id = int(re.search(r"post (\d+)", nd(
    "post", "add", "--title", "Route walk", "--body-file",
    os.path.join(TMP, "post.md"), "--publish").stdout).group(1))


def concrete(pattern):
    p = pattern
    if p.startswith("/story/") or p.startswith("/desk/story/"):
        p = p.replace("{id}", str(story_id))
    elif p.startswith("/desk/post/") or p.startswith("/post/"):
        p = p.replace("{id}", str(post_id))     # the desk's posts (issue 10)
        p = p.replace("{slug}", "route-walk")
    elif p.startswith("/source/"):
        p = p.replace("{id}", str(src_id))
    else:
        p = p.replace("{id}", str(item_id))
    for k, v in ARGS.items():
        p = p.replace(k, v)
    return p


routes = []
for line in nd("routes").stdout.splitlines():
    methods, pattern, flags, role = line.split()
    routes.append((set(methods.split(",")), pattern,
                   set() if flags == "-" else set(flags.split(",")),
                   ROLE_RANK.get(role, 0)))
check(len(routes) >= 30, "routes: %d lines" % len(routes))
check(any(p == "/desk/login" for _, p, _, _ in routes), "routes list the desk")

# POSTs with a token and an empty form that must not change anything; the
# answer is the handler's (a form shown again, 400 for a bad form, 303)
HANDLER_OK = {200, 303, 400, 404}
walked = 0
for methods, pattern, flags, need in routes:
    path = concrete(pattern)
    is_desk = "login" in flags or "session" in flags
    for who, c in clients.items():
        rank = ROLE_RANK[who]
        for variant in ("GET", "POST-nocsrf", "POST-csrf"):
            if pattern == "/desk/logout" and variant == "POST-csrf":
                continue              # walked last, below
            walked += 1
            if variant == "GET":
                st, h, body = c.get(path)
                if "GET" not in methods:
                    check(st == 405, "GET %s as %s: %d, want 405" %
                          (path, who, st))
                    continue
                if not is_desk:
                    # /post/ID sends to the post's one address (issue 10)
                    check(st in (200, 404) or (pattern == "/post/{id}" and
                                               st == 301),
                          "GET %s as %s: %d" % (path, who, st))
                    check(not any(x.startswith("nd_session") for x in
                                  c.set_cookie_headers),
                          "public page sets no session")
                    continue
                check(h.get("Cache-Control") == "no-store",
                      "GET %s: desk pages are no-store (%r)" %
                      (path, h.get("Cache-Control")))
                if "login" in flags:
                    want = 303 if rank == 0 else 403 if rank < need else 200
                    # the walk's post was written from the command line:
                    # not the writer's, so not theirs to edit (403)
                    if pattern == "/desk/post/{id}" and who == "writer":
                        want = 403
                    check(st == want, "GET %s as %s: %d, want %d" %
                          (path, who, st, want))
                    if st == 303:
                        check(h.get("Location", "").startswith(
                            "/desk/login?next="), "303 to the login page")
                        st2, _, _ = c.get(path, html=False)
                        check(st2 == 401, "GET %s as a script: %d, want "
                              "401" % (path, st2))
                else:                 # the login page
                    want = 200 if rank == 0 else 303
                    check(st == want, "GET %s as %s: %d, want %d" %
                          (path, who, st, want))
                continue
            form = {"csrf_token": c.csrf()} if variant == "POST-csrf" else {}
            if variant == "POST-nocsrf":
                form = {"x": "1"}
            st, h, body = c.post(path, form)
            if "POST" not in methods:
                check(st == 405, "POST %s as %s: %d, want 405" %
                      (path, who, st))
                continue
            if "login" in flags and rank == 0:
                check(st == 401, "POST %s anonymous: %d, want 401" %
                      (path, st))
            elif "login" in flags and rank < need:
                check(st == 403, "POST %s as %s: %d, want 403" %
                      (path, who, st))
            elif (pattern == "/desk/post/{id}" and who == "writer" and
                  variant == "POST-csrf"):
                check(st == 403, "POST %s as a writer who did not write "
                      "it: %d, want 403" % (path, st))
            elif "linktoken" in flags:
                # /unsubscribe (RFC 8058): the token in the URL is the
                # authentication, with or without a CSRF token; the
                # walk has none, so it is refused either way
                check(st in (403, 404), "POST %s as %s without its link "
                      "token: %d, want 403 or 404" % (path, who, st))
            elif "private" in flags:
                # /tips: its own cookieless form token, never the
                # desk's; a POST without it is refused either way
                check(st == 403, "POST %s as %s without its form token: "
                      "%d, want 403" % (path, who, st))
            elif variant == "POST-nocsrf":
                check(st == 403, "POST %s as %s without CSRF: %d, want 403" %
                      (path, who, st))
            else:
                check(st in HANDLER_OK, "POST %s as %s with CSRF: %d" %
                      (path, who, st))
print("ok - walked %d route x role x method cases over %d routes" %
      (walked, len(routes)))

# every signed-in client is still signed in (no POST above ended it)
for r in ROLES:
    st, _, _ = clients[r].get("/desk")
    check(st == 200, "%s still signed in after the walk: %d" % (r, st))

# ---- sign-in messages and the form ----
a = Client()
st, _, body = a.post("/desk/login", {"csrf_token": a.csrf(),
                                     "email": "writer@desk.example",
                                     "password": "not it at all"})
st2, _, body2 = a.post("/desk/login", {"csrf_token": a.csrf(),
                                       "email": "nobody@desk.example",
                                       "password": "not it at all"})
check("The email or password is wrong." in body and
      "The email or password is wrong." in body2,
      "one message for a wrong password and an unknown email")
check('value="writer@desk.example"' in body, "the email typed is kept")
check("not it at all" not in body, "the password is never shown again")

# ---- throttling: after 5 failures the account waits (429) ----
t = Client()
for i in range(5):
    t.post("/desk/login", {"csrf_token": t.csrf(),
                           "email": "victim@desk.example", "password": "x"})
st, _, body = t.post("/desk/login", {"csrf_token": t.csrf(),
                                     "email": "victim@desk.example",
                                     "password": PASSWORD})
check(st == 429 and "Wait" in body, "throttled after 5 failures: %d" % st)
check(Client().login("writer@desk.example")[0] == 303,
      "other accounts still sign in")

# ---- sign-out ends the session ----
w = Client()
w.login("writer@desk.example")
old = dict(w.cookies)
st, h, _ = w.post("/desk/logout", {"csrf_token": w.csrf()})
check(st == 303 and h.get("Location", "").startswith("/desk/login"),
      "logout: %d" % st)
check(any(x.startswith("nd_session=;") and "Max-Age=0" in x
          for x in w.set_cookie_headers), "logout clears the cookie")
stale = Client()
stale.cookies = old
st, h, _ = stale.get("/desk")
check(st == 303, "the old session cookie after logout: %d, want 303" % st)

# ---- a new session id at each sign-in ----
s1 = Client()
s1.login("writer@desk.example")
first = s1.cookies["nd_session"]
s1.login("writer@desk.example")
check(s1.cookies["nd_session"] != first, "session id renewed at login")
replay = Client()
replay.cookies = {"nd_session": first}
check(replay.get("/desk")[0] == 303, "the session replaced at login ended")

# ---- password change on /desk/account ----
me, other = Client(), Client()
me.login("editor@desk.example")
other.login("editor@desk.example")
st, _, body = me.post("/desk/account", {
    "csrf_token": me.csrf(), "current": "wrong one", "password": "short",
    "again": "short"})
check(st == 400 and "not your current password" in body and
      "at least 12" in body, "account: errors beside the fields (%d)" % st)
NEWPW = "another long password"
st, h, _ = me.post("/desk/account", {
    "csrf_token": me.csrf(), "current": PASSWORD, "password": NEWPW,
    "again": NEWPW})
check(st == 303, "account: password changed (%d)" % st)
check(me.get("/desk")[0] == 200, "the session that changed it stays")
check(other.get("/desk")[0] == 303, "the other session ended")
Client().login("editor@desk.example", NEWPW)

# ---- disable and passwd from the command line end sessions ----
v = Client()
v.login("writer@desk.example")
nd("user", "disable", "writer@desk.example")
check(v.get("/desk")[0] == 303, "disable ends the session")
Client().login("writer@desk.example", expect=200)
nd("user", "enable", "writer@desk.example")
v.login("writer@desk.example")
nd("user", "passwd", "writer@desk.example", "--password-file", pwfile)
check(v.get("/desk")[0] == 303, "passwd ends the session")

# ---- admin pages: users and the audit log ----
adm = clients["admin"]
st, _, body = adm.post("/desk/users", {
    "csrf_token": adm.csrf(), "action": "add", "email": "new@desk.example",
    "name": "", "role": "editor", "password": "short"})
check(st == 400 and 'value="new@desk.example"' in body and
      "Give a name" in body and "at least 12" in body,
      "users: bad fields shown, typed values kept (%d)" % st)
st, _, _ = adm.post("/desk/users", {
    "csrf_token": adm.csrf(), "action": "add", "email": "new@desk.example",
    "name": "New One", "role": "writer", "password": PASSWORD})
check(st == 303, "users: added (%d)" % st)
n = Client()
n.login("new@desk.example")
uid = [x["id"] for x in json.loads(nd("user", "list", "--json").stdout)
       if x["email"] == "new@desk.example"][0]
adm.post("/desk/users", {"csrf_token": adm.csrf(), "action": "role",
                         "id": str(uid), "role": "editor"})
adm.post("/desk/users", {"csrf_token": adm.csrf(), "action": "disable",
                         "id": str(uid)})
check(n.get("/desk")[0] == 303, "disabled from /desk/users: session ended")
st, _, body = adm.get("/desk/audit")
for action in ("user.add", "user.role", "user.disable", "login",
               "login.failed", "account.passwd", "logout"):
    check(">%s<" % action in body, "audit log shows %s" % action)
check(PASSWORD not in body and NEWPW not in body,
      "no password in the audit log")

# ---- a form sent after its session ended keeps what was typed ----
def hidden_fields(body):
    import html as h_
    return {h_.unescape(n): h_.unescape(v) for n, v in re.findall(
        r'<input type="hidden" name="([^"]*)" value="([^"]*)">', body)}


gone = Client()
gone.login("editor@desk.example", NEWPW)
old_tok = gone.cookies["nd_session"]
gone.post("/desk/logout", {"csrf_token": gone.csrf()})
gone.cookies["nd_session"] = old_tok      # the tab still has the old one
KEPT = "Kept across a sign-in: <b>talks</b> & \"more\""
st, _, body = gone.post("/desk/item/%d" % item_id, {
    "csrf_token": gone.csrf(), "action": "retitle", "title": KEPT})
form = hidden_fields(body)
check(st == 401 and form.get("keep:title") == KEPT and
      form.get("keep:action") == "retitle" and
      form.get("next") == "/desk/item/%d" % item_id and
      "keep:csrf_token" not in form,
      "an ended session: the sign-in page carries the form (%d, %r)" %
      (st, form))
form.update({"email": "editor@desk.example", "password": NEWPW})
st, _, body = gone.post("/desk/login", form)
again = hidden_fields(body)
check(st == 200 and again.get("title") == KEPT and
      'action="/desk/item/%d"' % item_id in body and "Send it now" in body,
      "after sign-in the form comes back to send (%d)" % st)
st, _, _ = gone.post("/desk/item/%d" % item_id, again)
check(st == 303, "the kept form is sent (%d)" % st)
_db = __import__("sqlite3").connect(DB)
check(_db.execute("SELECT editor_title FROM items WHERE id = ?",
                  (item_id,)).fetchone()[0] == KEPT,
      "what was typed before the session ended is applied")
_db.close()
nd("item", "retitle", str(item_id), "")

# ---- a writer edits only their own drafts (issue 10) ----
nd("user", "add", "other@desk.example", "--name", "The Other", "--role",
   "writer", "--password-file", pwfile)
wa, wb, edc = Client(), Client(), Client()
wa.login("writer@desk.example")
wb.login("other@desk.example")
edc.login("editor@desk.example", NEWPW)
st, h, _ = wa.post("/desk/posts/new", {
    "csrf_token": wa.csrf(), "headline": "Writer A's draft",
    "body": "First words.", "bylines": "The Writer", "action": "save"})
m = re.match(r"/desk/post/(\d+)", h.get("Location") or "")
check(st == 303 and m, "writer A saves a draft: %d %r" %
      (st, h.get("Location")))
if m:
    a_post = int(m.group(1))
    st, _, body = wb.get("/desk/post/%d" % a_post)
    check(st == 403 and "another writer" in body,
          "writer B may not open A's draft for editing: %d" % st)
    st, _, body = wb.post("/desk/post/%d" % a_post, {
        "csrf_token": wb.csrf(), "headline": "Taken over by B",
        "body": "B's words.", "bylines": "The Other", "action": "save"})
    check(st == 403 and "another writer" in body,
          "writer B may not save A's draft: %d" % st)
    _db = __import__("sqlite3").connect(DB)
    check(_db.execute("SELECT headline FROM posts WHERE id = ?",
                      (a_post,)).fetchone()[0] == "Writer A's draft",
          "A's draft is unchanged after B's try")
    check(wb.get("/desk/post/%d/preview" % a_post)[0] == 200,
          "writer B may still read it (preview)")
    st, _, body = wb.get("/desk/posts")
    check('href="/desk/post/%d/preview"' % a_post in body and
          'href="/desk/post/%d"' % a_post not in body,
          "B's post list links A's draft to its preview, not its form")
    st, _, _ = wa.post("/desk/post/%d" % a_post, {
        "csrf_token": wa.csrf(), "headline": "Writer A's draft, again",
        "body": "More words.", "bylines": "The Writer", "action": "submit"})
    check(st == 303, "writer A edits and submits their own draft: %d" % st)
    st, _, _ = edc.post("/desk/post/%d" % a_post, {
        "csrf_token": edc.csrf(), "headline": "Edited by the editor",
        "body": "More words.", "bylines": "The Writer\nThe Other",
        "action": "save"})
    check(st == 303, "an editor edits any draft: %d" % st)
    # B is in the byline now (the editor added their name): theirs too
    check(_db.execute("SELECT count(*) FROM post_bylines b JOIN users u "
                      "ON u.id = b.user_id WHERE b.post_id = ? AND "
                      "u.email = 'other@desk.example'",
                      (a_post,)).fetchone()[0] == 1,
          "a byline that is a desk user's name is that user")
    st, _, _ = wb.post("/desk/post/%d" % a_post, {
        "csrf_token": wb.csrf(), "headline": "Co-written",
        "body": "Both.", "bylines": "The Writer\nThe Other",
        "action": "save"})
    check(st == 303, "a writer in the byline may edit: %d" % st)
    _db.close()
    st, _, body = wb.post("/desk/posts/new", {
        "csrf_token": wb.csrf(), "headline": "", "body": "x",
        "action": "save"})
    check(st == 400, "a bad new post still comes back with its fields")

# ---- a photo over the upload cap never costs the post's text (issue 10) --
def multipart(fields, boundary):
    out = []
    for name, value, filename in fields:
        h = 'Content-Disposition: form-data; name="%s"' % name
        if filename:
            h += '; filename="%s"\r\nContent-Type: image/jpeg' % filename
        out.append(b"--" + boundary + b"\r\n" + h.encode() + b"\r\n\r\n" +
                   value + b"\r\n")
    return b"".join(out) + b"--" + boundary + b"--\r\n"


def post_multipart(client, path, fields, chunked=False):
    boundary = b"----deskgaps" + os.urandom(8).hex().encode()
    body = multipart(fields, boundary)
    c = http.client.HTTPConnection(HOST, PORT, timeout=120)
    h = {"Accept": "text/html",
         "Cookie": "; ".join("%s=%s" % kv for kv in client.cookies.items()),
         "Content-Type": "multipart/form-data; boundary=" +
         boundary.decode()}
    try:
        if chunked:
            c.request("POST", path, headers=h, encode_chunked=True,
                      body=iter([body[i:i + 65536]
                                 for i in range(0, len(body), 65536)]))
        else:
            c.request("POST", path, body=body, headers=h)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        status, loc = r.status, r.getheader("Location")
    except (ConnectionError, http.client.HTTPException) as e:
        # a server that refuses the body before reading it (413) and
        # closes: the text is lost, which is what the checks catch
        status, data, loc = 0, "connection closed: %r" % e, None
    c.close()
    return status, data, loc, len(body)


big = b"\xff\xd8\xff\xe0" + os.urandom(9 * 1024 * 1024)
for chunked, photo_first in ((False, False), (True, True)):
    title = "Kept despite the photo (%s)" % ("chunked, photo first"
                                              if chunked else "length")
    text = [("csrf_token", wa.csrf().encode(), None),
            ("headline", title.encode(), None),
            ("body", "Text that must survive the upload.".encode(), None),
            ("caption", b"Gates at dawn", None), ("credit", b"AFP", None)]
    after = [("dateline", b"BAGHDAD", None),
             ("bylines", b"The Writer", None), ("action", b"save", None)]
    photo = [("photo", big, "gates.jpg")]
    fields = (photo + text + after) if photo_first else (text + photo + after)
    st, body, _, sent = post_multipart(wa, "/desk/posts/new", fields, chunked)
    check(sent > 9 * 1024 * 1024, "the request carries a 9 MB photo (%d)" %
          sent)
    check(st == 400, "%s: the form comes back (400): %d" % (title, st))
    check("The text was saved as a draft; the photo was not." in body,
          "%s: says the text was saved" % title)
    check(re.search(r'id="e-photo">This photo is 9\.0 MB; the desk takes '
                    r'photos up to 8 MB', body) is not None,
          "%s: the message is beside the photo field" % title)
    check('value="BAGHDAD"' in body,
          "%s: a field sent after the photo is kept" % title)
    _db = __import__("sqlite3").connect(DB)
    row = _db.execute("SELECT body, dateline, status, photo_id FROM posts "
                      "WHERE headline = ?", (title,)).fetchone()
    _db.close()
    check(row is not None and row[0] == "Text that must survive the "
          "upload." and row[1] == "BAGHDAD" and row[2] == 1 and
          row[3] is None, "%s: the draft is stored with its text and no "
          "photo: %r" % (title, row))
# a photo under the cap, through the same reader, is stored
with open("demo/photos/city.jpg", "rb") as f:
    small = f.read()
st, body, loc, _ = post_multipart(wa, "/desk/posts/new", [
    ("csrf_token", wa.csrf().encode(), None),
    ("headline", b"With a photo that fits", None),
    ("body", b"Words.", None), ("photo", small, "city.jpg"),
    ("caption", b"The city", None), ("credit", b"Desk", None),
    ("action", b"save", None)])
check(st == 303, "a photo under the cap is taken: %d" % st)
_db = __import__("sqlite3").connect(DB)
check(_db.execute("SELECT photo_id IS NOT NULL FROM posts WHERE headline = "
                  "'With a photo that fits'").fetchone() == (1,),
      "... and stored with the post")
_db.close()
# the hard cap on the whole request: over it, refused before it is read
import socket as _socket
sk = _socket.create_connection((HOST, PORT), timeout=30)
sk.sendall(("POST /desk/posts/new HTTP/1.1\r\nHost: %s:%d\r\nCookie: %s\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\n"
            "Content-Length: %d\r\n\r\n" % (
                HOST, PORT, "; ".join("%s=%s" % kv
                                      for kv in wa.cookies.items()),
                40 * 1024 * 1024)).encode())
answer = sk.recv(200).decode("latin-1")
sk.close()
check(answer.startswith("HTTP/1.1 413"), "a 40 MB request is refused at "
      "once (413): %r" % answer[:40])

# ---- curation (step 3 of issue 10) ----
if any(p == "/desk/item/{id}" for _, p, _, _ in routes):
    exec(open(os.path.join(os.path.dirname(__file__),
                           "desk_curate_test.py")).read())

# logout as each role last (the walk skipped it)
for r in ROLES:
    c = clients[r]
    st, _, _ = c.post("/desk/logout", {"csrf_token": c.csrf()})
    check(st in (303, 401), "logout %s: %d" % (r, st))

# behind a TLS proxy (base_url https): the session cookie is Secure
ini = os.path.join(TMP, "tls.ini")
with open(os.environ["NEWSDESK_CONFIG"]) as f:
    base_ini = f.read()
with open(ini, "w") as f:
    f.write(base_ini + "\n[desk]\nbase_url = https://desk.example\n")
env = dict(os.environ, NEWSDESK_CONFIG=ini)
srv = subprocess.Popen([BIN, "--db", DB, "serve", "--listen", "127.0.0.1:0"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                       env=env, text=True)
try:
    line = srv.stdout.readline()
    m = re.search(r"serving http://([^:]+):(\d+)/", line)
    check(m is not None, "second server started: %r" % line)
    if m:
        HOST, PORT = m.group(1), int(m.group(2))
        tls = Client()
        tls.login("admin@desk.example")
        sc = [x for x in tls.set_cookie_headers
              if x.startswith("nd_session=")]
        check(sc and "Secure" in [a.strip() for a in sc[0].split(";")],
              "https base_url: session cookie is Secure: %r" % sc)
finally:
    srv.terminate()
    srv.wait()

print("%d checks, %d failed" % (n_checks, len(failures)))
sys.exit(1 if failures else 0)
