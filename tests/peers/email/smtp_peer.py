"""SMTP peer for the email backend's integration tests.

Runs aiosmtpd on loopback and delivers every accepted message, byte for byte, into the Maildir of
each recipient's local part (ROOT/<local part>/Maildir/new), the way an MTA's local delivery would,
so that Dovecot serves it over IMAP. Optional: AUTH PLAIN/LOGIN against one user, STARTTLS, or
implicit TLS. Prints "READY" once it listens.
"""
import argparse
import asyncio
import os
import signal
import ssl
import time
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class MaildirDelivery:
    def __init__(self, root):
        self.root = root

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        for rcpt in envelope.rcpt_tos:
            local = rcpt.split("@", 1)[0].lower()
            maildir = os.path.join(self.root, local, "Maildir")
            for sub in ("tmp", "new", "cur"):
                os.makedirs(os.path.join(maildir, sub), exist_ok=True)
            name = "%020d.%s.smtp-peer" % (time.time_ns(), uuid.uuid4().hex)
            tmp = os.path.join(maildir, "tmp", name)
            with open(tmp, "wb") as f:
                f.write(content)
            os.chmod(tmp, 0o666)
            os.rename(tmp, os.path.join(maildir, "new", name))
            print("DELIVERED %s %s %s" % (rcpt, os.path.join(maildir, "new", name), " ".join(envelope.mail_options)), flush=True)
        return "250 OK delivered"


class OneUser:
    def __init__(self, user, password):
        self.user = user.encode()
        self.password = password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == self.user and auth_data.password == self.password
        print("AUTH %s %s" % (mechanism, "ok" if ok else "failed"), flush=True)
        return AuthResult(success=ok, handled=False)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--root", required=True)
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--implicit-tls", action="store_true")
    a = p.parse_args()

    kwargs = {"enable_SMTPUTF8": True, "server_hostname": "smtp.test"}
    if a.user:
        kwargs["authenticator"] = OneUser(a.user, a.password or "")
        kwargs["auth_require_tls"] = False
    context = None
    if a.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(a.cert, a.key)
    if context and a.implicit_tls:
        kwargs["ssl_context"] = context
    elif context:
        kwargs["tls_context"] = context
        kwargs["require_starttls"] = True

    controller = Controller(MaildirDelivery(a.root), hostname="127.0.0.1", port=a.port, **kwargs)
    controller.start()
    print("READY", flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    try:
        loop.run_until_complete(stop.wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
