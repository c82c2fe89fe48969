#!/usr/bin/python3
"""issue 11: a real SMTP server for the mail tests (aiosmtpd, Debian
python3-aiosmtpd) on 127.0.0.1, a free port.

Usage: smtp_sink.py DIR PORTFILE [PORT]
Each accepted message is written to DIR/NNNNNN.eml, prefixed with
X-Envelope-From and X-Envelope-To lines. RCPT TO an address whose local
part starts with "reject" gets 550 5.1.1; "later" gets 451 4.3.0. The port
is written to PORTFILE once listening (PORT: a given port, for restarts).
With SINK_AUTH=USER:PASSWORD in the environment, AUTH (PLAIN or LOGIN) with
those credentials is required before MAIL. With SINK_TLS=CERT:KEY, STARTTLS
is offered and required before MAIL; with SINK_TLS and SINK_SMTPS=1, the
connection is TLS from the start (smtps). Each message then gets an
X-Sink-TLS: yes line.
"""
import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, out):
        self.out = out
        self.n = len([f for f in os.listdir(out) if f.endswith('.eml')])

    async def handle_RCPT(self, server, session, envelope, address, options):
        local = address.split('@')[0].lower()
        if local.startswith('reject'):
            return '550 5.1.1 <%s>: Recipient address rejected: User unknown' % address
        if local.startswith('later'):
            return '451 4.3.0 <%s>: Temporary lookup failure' % address
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        name = os.path.join(self.out, '%06d.eml' % self.n)
        tmp = name + '.tmp'
        with open(tmp, 'wb') as f:
            f.write(b'X-Envelope-From: ' + envelope.mail_from.encode() + b'\r\n')
            f.write(b'X-Envelope-To: ' + ','.join(envelope.rcpt_tos).encode() + b'\r\n')
            if session.ssl or os.environ.get('SINK_SMTPS'):
                f.write(b'X-Sink-TLS: yes\r\n')
            f.write(envelope.original_content)
        os.rename(tmp, name)
        return '250 Message accepted for delivery'


async def main():
    out, portfile = sys.argv[1], sys.argv[2]
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    os.makedirs(out, exist_ok=True)
    handler = Sink(out)
    auth = os.environ.get('SINK_AUTH')
    kw = {}
    if auth:
        user, password = auth.split(':', 1)

        def authenticator(server, session, envelope, mechanism, data):
            ok = (isinstance(data, LoginPassword) and
                  data.login.decode() == user and
                  data.password.decode() == password)
            # handled=False: aiosmtpd answers 535 itself on a failure
            return AuthResult(success=ok, handled=False)
        kw = dict(auth_required=True, auth_require_tls=False,
                  authenticator=authenticator)
    tls = os.environ.get('SINK_TLS')
    server_ssl = None
    if tls:
        cert, key = tls.split(':', 1)
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        if os.environ.get('SINK_SMTPS'):
            server_ssl = ctx
        else:
            kw.update(tls_context=ctx, require_starttls=True)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, hostname='sink.test', data_size_limit=33554432,
                     **kw),
        '127.0.0.1', port, reuse_address=True, ssl=server_ssl)
    real = server.sockets[0].getsockname()[1]
    with open(portfile + '.tmp', 'w') as f:
        f.write('%d\n' % real)
    os.rename(portfile + '.tmp', portfile)
    await server.serve_forever()


asyncio.run(main())
