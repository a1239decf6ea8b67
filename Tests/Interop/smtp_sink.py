"""A real SMTP server (aiosmtpd) that records every message it accepts, for PDSwift's mail tests.

Usage: smtp_sink.py --out messages.jsonl [--auth user:pass] [--tls starttls|implicit --certs DIR]
                    [--exclude-auth PLAIN] [--port N]

Prints one line `READY <port> [<ca.pem>]` on stdout once it accepts connections, then serves until
stdin closes or it is killed. Each accepted message is appended to --out as one JSON object:
{"mail_from", "rcpt_tos", "data", "auth_user", "authenticated", "tls"}. With --tls, a throwaway CA and a
certificate for 127.0.0.1/localhost are made with trustme; the CA file is what the client trusts.
"""
import argparse
import warnings
import json
import os
import socket
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, path, implicit_tls):
        self.path = path
        self.implicit_tls = implicit_tls

    async def handle_DATA(self, server, session, envelope):
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", "replace"),
            "auth_user": session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None,
            "authenticated": bool(session.authenticated),
            "tls": self.implicit_tls or session.ssl is not None,
        }
        with open(self.path, "a") as f:
            f.write(json.dumps(record) + "\n")
        return "250 OK recorded"


def authenticator(expected_user, expected_password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login.decode() == expected_user
              and auth_data.password.decode() == expected_password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return check


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    warnings.simplefilter("ignore")  # aiosmtpd warns about AUTH without TLS, which the plain test wants
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--auth")
    p.add_argument("--tls", choices=["starttls", "implicit"])
    p.add_argument("--certs")
    p.add_argument("--exclude-auth", action="append", default=[])
    p.add_argument("--port", type=int, default=0)
    a = p.parse_args()

    kwargs = {}
    ca_path = ""
    if a.tls:
        import trustme
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        os.makedirs(a.certs, exist_ok=True)
        ca_path = os.path.join(a.certs, "ca.pem")
        ca.cert_pem.write_to_path(ca_path)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(context)
        if a.tls == "starttls":
            kwargs["tls_context"] = context
        else:
            kwargs["ssl_context"] = context
    if a.auth:
        user, password = a.auth.split(":", 1)
        kwargs["authenticator"] = authenticator(user, password)
        kwargs["auth_required"] = True
        # Plain SMTP with AUTH is what the test without TLS exercises.
        kwargs["auth_require_tls"] = False
    if a.exclude_auth:
        kwargs["auth_exclude_mechanism"] = a.exclude_auth

    port = a.port or free_port()
    controller = Controller(Recorder(a.out, a.tls == "implicit"), hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    print(f"READY {port} {ca_path}".strip(), flush=True)
    try:
        # Serve until the test closes our stdin (or kills us).
        while sys.stdin.read(1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
