#!/usr/bin/python3
"""issue 11: reads what the SMTP sink (smtp_sink.py) received, for
tests/mail.sh. Standard library only.

  mailtool.py find DIR RCPT KIND      newest message to RCPT whose subject
                                      has KIND ("Confirm", "Daily digest"):
                                      prints its file
  mailtool.py link FILE PATH          the first URL in the text part whose
                                      path starts with PATH
  mailtool.py header FILE NAME        a header's value (unfolded)
  mailtool.py part FILE TYPE OUT      writes the decoded text/plain or
                                      text/html part to OUT
  mailtool.py check FILE              asserts what every mail must carry
  mailtool.py count DIR SUBJECT       per recipient of messages whose
                                      subject has SUBJECT: copies and
                                      distinct Message-IDs, as
                                      "RCPT COPIES IDS" lines
  mailtool.py seed DB N PREFIX LIST   N active subscribers PREFIXi@example.org
                                      on LIST (test data: the sign-up path
                                      has its own tests)
"""
import email
import email.policy
import glob
import os
import re
import sqlite3
import sys
import time


def load(path):
    with open(path, 'rb') as f:
        return email.message_from_binary_file(f, policy=email.policy.default)


def messages(d):
    for p in sorted(glob.glob(os.path.join(d, '*.eml'))):
        yield p, load(p)


def rcpt(m):
    return (m['X-Envelope-To'] or '').strip().lower()


def part(m, ctype):
    for p in m.walk():
        if p.get_content_type() == ctype:
            return p.get_content()
    return None


def fail(msg):
    print('mailtool: ' + msg, file=sys.stderr)
    sys.exit(1)


def main():
    cmd = sys.argv[1]
    if cmd == 'find':
        d, to, kind = sys.argv[2:5]
        found = None
        for p, m in messages(d):
            if rcpt(m) == to.lower() and kind in str(m['Subject']):
                found = p
        if not found:
            fail('no "%s" message to %s in %s' % (kind, to, d))
        print(found)
    elif cmd == 'link':
        m = load(sys.argv[2])
        text = part(m, 'text/plain') or ''
        for u in re.findall(r'https?://\S+', text):
            if re.match(r'https?://[^/]+' + re.escape(sys.argv[3]), u):
                print(u)
                return
        fail('no link to %s in %s' % (sys.argv[3], sys.argv[2]))
    elif cmd == 'header':
        m = load(sys.argv[2])
        v = m[sys.argv[3]]
        if v is None:
            fail('no %s header in %s' % (sys.argv[3], sys.argv[2]))
        print(' '.join(str(v).split()))
    elif cmd == 'part':
        m = load(sys.argv[2])
        body = part(m, sys.argv[3])
        if body is None:
            fail('no %s part in %s' % (sys.argv[3], sys.argv[2]))
        with open(sys.argv[4], 'w', encoding='utf-8') as f:
            f.write(body)
    elif cmd == 'check':
        path = sys.argv[2]
        m = load(path)
        for h in ('Date', 'From', 'To', 'Subject', 'Message-ID',
                  'List-Unsubscribe', 'List-Unsubscribe-Post',
                  'MIME-Version'):
            if m[h] is None:
                fail('%s: no %s header' % (path, h))
        lu = ' '.join(str(m['List-Unsubscribe']).split())
        if not re.search(r'<https?://[^>]+/unsubscribe\?t=[A-Za-z0-9_-]{43}>', lu):
            fail('%s: List-Unsubscribe has no https unsubscribe URL: %s' % (path, lu))
        if not re.search(r'<mailto:[^>]+\?subject=unsubscribe>', lu):
            fail('%s: List-Unsubscribe has no mailto: %s' % (path, lu))
        if str(m['List-Unsubscribe-Post']).strip() != 'List-Unsubscribe=One-Click':
            fail('%s: List-Unsubscribe-Post is %s' % (path, m['List-Unsubscribe-Post']))
        if not re.match(r'^<[^<>@\s]+@[^<>@\s]+>$', str(m['Message-ID']).strip()):
            fail('%s: bad Message-ID %s' % (path, m['Message-ID']))
        if m.get_content_type() != 'multipart/alternative':
            fail('%s: %s, not multipart/alternative' % (path, m.get_content_type()))
        types = [p.get_content_type() for p in m.iter_parts()]
        if types != ['text/plain', 'text/html']:
            fail('%s: parts %s' % (path, types))
        for p in m.iter_parts():
            if p.get_content_charset() != 'utf-8':
                fail('%s: part charset %s' % (path, p.get_content_charset()))
            if p['Content-Transfer-Encoding'] not in ('quoted-printable', 'base64'):
                fail('%s: part encoding %s' % (path, p['Content-Transfer-Encoding']))
        with open(path, 'rb') as f:
            raw = f.read()
        for line in raw.split(b'\r\n'):
            if len(line) > 998:
                fail('%s: a line of %d bytes' % (path, len(line)))
        env_from = str(m['X-Envelope-From'])
        if not re.match(r'^bounces\+\d+-[0-9a-f]{16}@', env_from):
            fail('%s: return path %s is not VERP' % (path, env_from))
        html = part(m, 'text/html')
        for bad in ('<script', '@font-face', 'fonts.googleapis', '<link'):
            if bad in html.lower():
                fail('%s: HTML has %s' % (path, bad))
        # no tracking pixels, no rewritten links: every URL is the desk's
        base = re.match(r'(https?://[^/]+)', re.search(r'<(https?://[^>]+)>', lu).group(1)).group(1)
        for u in re.findall(r'(?:src|href)="([^"]+)"', html):
            if not u.startswith(base + '/'):
                fail('%s: a link or image off the desk: %s' % (path, u))
        pass
    elif cmd == 'count':
        d, subj = sys.argv[2:4]
        by = {}
        for p, m in messages(d):
            if subj not in str(m['Subject']):
                continue
            c = by.setdefault(rcpt(m), [0, set()])
            c[0] += 1
            c[1].add(str(m['Message-ID']).strip())
        for r in sorted(by):
            print('%s %d %d' % (r, by[r][0], len(by[r][1])))
    elif cmd == 'seed':
        db, n, prefix, lst = sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
        c = sqlite3.connect(db, timeout=30)
        now = int(time.time())
        with c:
            for i in range(n):
                cur = c.execute(
                    'INSERT INTO subscribers (email, status, created, confirmed_at) '
                    'VALUES (?, 1, ?, ?)', ('%s%d@example.org' % (prefix, i), now, now))
                c.execute('INSERT INTO subscriptions (subscriber_id, list) VALUES (?, ?)',
                          (cur.lastrowid, lst))
        c.close()
    else:
        fail('unknown command ' + cmd)


main()
