#!/usr/bin/env python3
"""issue 13: hostile clients against a real `newsdesk serve`, over raw
sockets (http.client would normalise what these cases are about).

Every request that breaks a limit or the grammar gets one status line, the
right status, at once; smuggling attempts are refused with 400 and the
connection closed; pipelined requests are answered in order; a head sent
too slowly is cut off at the deadline; one address holding too many
connections cannot keep another address from being served.

Usage: abuse_test.py URL   (the server runs with head_timeout_s = 2 and
max_connections_per_ip = 40, see tests/abuse.sh)
"""
import re
import socket
import sys
import time
import urllib.parse

URL = sys.argv[1]
u = urllib.parse.urlsplit(URL)
HOST, PORT = u.hostname, u.port
HEAD_TIMEOUT = 2
PER_IP = 40
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)
        print("FAIL:", msg, flush=True)


def conn(src="127.0.0.1", timeout=5):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((src, 0))
    s.connect((HOST, PORT))
    return s


def raw(req, timeout=3, src="127.0.0.1"):
    """Sends req, reads until the server closes or timeout; returns
    (bytes, seconds, closed_by_server)."""
    s = conn(src, timeout)
    t0 = time.monotonic()
    try:
        s.sendall(req)
    except OSError:
        pass
    out = b""
    closed = False
    try:
        while True:
            d = s.recv(65536)
            if not d:
                closed = True
                break
            out += d
    except socket.timeout:
        pass
    except ConnectionResetError:
        closed = True
    s.close()
    return out, time.monotonic() - t0, closed


def statuses(out):
    return [int(m.group(1)) for m in
            re.finditer(rb"HTTP/1\.[01] (\d{3}) ", out)]


def expect(name, req, status, closed=True):
    out, secs, was_closed = raw(req)
    st = statuses(out)
    check(st == [status], "%s: statuses %r, want [%d] (%r)" %
          (name, st, status, out[:60]))
    if closed:
        check(was_closed and secs < 2.5,
              "%s: connection not closed at once (%.1fs)" % (name, secs))
    return out


close = b"Connection: close\r\n"

# ---- limits: the right status, at once ----
for n in (64, 65, 200, 471, 1000):
    q = "&".join("p%d=%d" % (i, i) for i in range(n))
    want = 200 if n <= 64 else 414
    expect("%d query parameters" % n,
           b"GET /robots.txt?" + q.encode() + b" HTTP/1.1\r\nHost: x\r\n" +
           close + b"\r\n", want)
expect("5000 empty query parameters",
       b"GET /robots.txt?" + b"&" * 5000 + b" HTTP/1.1\r\nHost: x\r\n" +
       close + b"\r\n", 414)
expect("long target", b"GET /" + b"a" * 3000 + b" HTTP/1.1\r\nHost: x\r\n" +
       close + b"\r\n", 414)
for size in list(range(31000, 34001, 125)) + [40000, 60000, 64000, 65536,
                                               70000, 100000]:
    req = (b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n" + close +
           b"X-Big: " + b"a" * size + b"\r\n\r\n")
    out, secs, _ = raw(req)
    st = statuses(out)
    want = 200 if len(req) <= 32 * 1024 else 431
    check(st == [want] and secs < 2.5, "header of %d bytes: %r in %.1fs" %
          (size, st, secs))
many = b"".join(b"X-H%d: v\r\n" % i for i in range(150))
expect("150 header fields", b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n" +
       close + many + b"\r\n", 431)

# ---- smuggling ----
second = b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"
expect("two Content-Length", b"POST /search HTTP/1.1\r\nHost: x\r\n"
       b"Content-Length: 0\r\nContent-Length: %d\r\n\r\n" % len(second) +
       second, 400)
expect("two equal Content-Length", b"POST /search HTTP/1.1\r\nHost: x\r\n"
       b"Content-Length: 3\r\nContent-Length: 3\r\n\r\na=1", 400)


def expect_mhd(name, req, status=400):
    """What libmicrohttpd refuses itself before the application sees the
    request (a Content-Length that is not a number or over 2^64 - 1, more
    cookies than its pool holds): 0.9.75 queues its own answer and builds
    its headers, then overwrites the connection's
    state (connection.c, MHD_CONNECTION_HEADERS_RECEIVED: state =
    HEADERS_PROCESSED after parse_connection_headers) and builds them a
    second time when the request completes; nothing the application does
    stops that (returning MHD_NO discards both). Known: the first answer
    is 400 and the connection is closed; the doubled header block is
    reported, not failed, until MHD is upgraded."""
    out, secs, was_closed = raw(req)
    st = statuses(out)
    check(st[:1] == [status] and was_closed and secs < 2.5,
          "%s: %r in %.1fs" % (name, st, secs))
    if len(st) > 1:
        print("KNOWN (issue 13, libmicrohttpd 0.9.75): %s: status line "
              "sent %d times" % (name, len(st)))


expect_mhd("Content-Length list", b"POST /search HTTP/1.1\r\nHost: x\r\n"
           b"Content-Length: 3, 3\r\n\r\na=1")
expect("Content-Length and Transfer-Encoding",
       b"POST /search HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
       b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400)
expect("space before colon", b"POST /search HTTP/1.1\r\nHost: x\r\n"
       b"Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + second, 400)
expect("tab before colon", b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n"
       b"X-A\t: 1\r\n\r\n", 400)
expect("obs-fold", b"GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n"
       b" 2\r\n\r\n", 400)
expect("obs-fold of Transfer-Encoding", b"POST /search HTTP/1.1\r\nHost: x"
       b"\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n" + second, 400)
expect("HTTP/1.1 without Host", b"GET /robots.txt HTTP/1.1\r\n\r\n", 400)
expect("HTTP/1.0 with Transfer-Encoding", b"POST /search HTTP/1.0\r\n"
       b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + second, 400)
expect("two Host headers", b"GET /robots.txt HTTP/1.1\r\nHost: a\r\n"
       b"Host: b\r\n\r\n", 400)
out = expect("HTTP/1.0 without Host", b"GET /robots.txt HTTP/1.0\r\n\r\n",
             200)
expect_mhd("malformed Content-Length", b"POST /search HTTP/1.1\r\n"
           b"Host: x\r\nContent-Length: 1x\r\n\r\n")
expect_mhd("Content-Length over 2^64", b"POST /search HTTP/1.1\r\n"
           b"Host: x\r\nContent-Length: 99999999999999999999999\r\n\r\n",
           413)
# MHD takes it; the route takes no POST: one answer, and the body is
# never read
expect("Content-Length over 2^63", b"POST /search HTTP/1.1\r\n"
       b"Host: x\r\nContent-Length: 18446744073709551615\r\n\r\n", 405)
# more cookies than MHD's pool holds once split: MHD's own 431, twice
expect_mhd("3000 cookies", b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n"
           b"Cookie: " + b"; ".join(b"a%d=1" % i for i in range(3000)) +
           b"\r\n\r\n", 431)
many = b"".join(b"X%d:a\r\n" % i for i in range(20000))
expect("20000 tiny header fields", b"GET /robots.txt HTTP/1.1\r\nHost: x"
       b"\r\n" + many + b"\r\n", 431)
expect("unknown transfer coding", b"POST /search HTTP/1.1\r\nHost: x\r\n"
       b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501)
expect("NUL in the path", b"GET /item/1%00 HTTP/1.1\r\nHost: x\r\n" +
       close + b"\r\n", 400)
expect("NUL before an extension", b"GET /static/site.css%00.html HTTP/1.1"
       b"\r\nHost: x\r\n" + close + b"\r\n", 400)
expect("NUL in the query", b"GET /search?q=a%00b HTTP/1.1\r\nHost: x\r\n" +
       close + b"\r\n", 400)
robots, _, _ = raw(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n" + close +
                   b"\r\n")
out = expect("absolute-form target", b"GET http://%s:%d/robots.txt HTTP/1.1"
             b"\r\nHost: %s:%d\r\n" % (HOST.encode(), PORT, HOST.encode(),
                                       PORT) + close + b"\r\n", 200)
check(out.split(b"\r\n\r\n", 1)[-1] == robots.split(b"\r\n\r\n", 1)[-1],
      "absolute-form target: not the page of its path")
expect("absolute-form without a path", b"GET http://x HTTP/1.1\r\n"
       b"Host: x\r\n" + close + b"\r\n", 200)
expect("absolute-form of another scheme", b"GET ftp://x/robots.txt "
       b"HTTP/1.1\r\nHost: x\r\n" + close + b"\r\n", 400)

# ---- pipelining: answered in order, on one connection ----
out, _, _ = raw(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n" + close +
                b"\r\n", timeout=5)
check(statuses(out) == [200, 404, 200], "pipelining: %r" % statuses(out))
# a smuggling attempt in the middle of a pipeline ends it
out, _, _ = raw(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n"
                b"POST /search HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                b"Content-Length: 40\r\n\r\n" + second, timeout=5)
check(statuses(out) == [200, 400], "pipelined smuggling: %r" % statuses(out))

# ---- slow heads: cut at the deadline, with 408 once the line has come ----


def slow(first, dribble):
    s = conn()
    t0 = time.monotonic()
    got = b""
    try:
        s.sendall(first)
        for ch in dribble:
            s.send(bytes([ch]))
            time.sleep(0.2)
            s.setblocking(False)
            try:
                d = s.recv(4096)
                if not d:
                    break
                got += d
            except BlockingIOError:
                pass
            except OSError:
                break
            s.setblocking(True)
            if time.monotonic() - t0 > HEAD_TIMEOUT + 4:
                break
    except OSError:
        pass
    secs = time.monotonic() - t0
    s.settimeout(2)
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            got += d
    except OSError:
        pass
    s.close()
    return got, secs


got, secs = slow(b"GET /robots.txt HTTP/1.1\r\n", b"Host: x\r\nX-Slow: " +
                 b"a" * 100)
check(statuses(got) == [408] and secs < HEAD_TIMEOUT + 2,
      "slow head: %r after %.1fs" % (got[:40], secs))
got, secs = slow(b"", b"GET /robots.txt HTTP/1.1\r\n")
check(got == b"" and secs < HEAD_TIMEOUT + 2,
      "slow request line: %r after %.1fs" % (got[:40], secs))

# an idle keep-alive connection is closed after the deadline too
s = conn()
s.sendall(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\n")
time.sleep(0.3)
s.recv(65536)
t0 = time.monotonic()
try:
    while s.recv(65536):
        pass
except OSError:
    pass
secs = time.monotonic() - t0
check(secs < HEAD_TIMEOUT + 2, "idle keep-alive kept %.1fs" % secs)
s.close()

# ---- one address cannot take the site ----
hogs = []
for i in range(PER_IP * 3):
    try:
        h = conn("127.0.0.1")
        h.send(b"GET / HTTP/1.1\r\n")
        hogs.append(h)
    except OSError:
        pass
time.sleep(0.3)
alive = 0
for h in hogs:
    h.setblocking(False)
    try:
        d = h.recv(1)
        if d:
            alive += 1
    except BlockingIOError:
        alive += 1
    except OSError:
        pass
check(alive <= PER_IP, "per-address limit: %d connections kept" % alive)
t0 = time.monotonic()
out, secs, _ = raw(b"GET /robots.txt HTTP/1.1\r\nHost: x\r\n" + close +
                   b"\r\n", src="127.0.0.2")
check(statuses(out) == [200] and secs < 1,
      "another address while one holds its limit: %r in %.2fs" %
      (statuses(out), secs))
for h in hogs:
    h.close()

if failures:
    print("%d failures" % len(failures))
    sys.exit(1)
print("abuse: all checks passed")
