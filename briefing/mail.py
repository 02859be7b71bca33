"""Delivery by email: messages made by ``briefing.render.email`` in, sent over
SMTPS or SMTP with STARTTLS, one copy per recipient (or one with hidden
recipients).

SMTP credentials come only from the environment (BRIEFING_SMTP_USER,
BRIEFING_SMTP_PASSWORD) so they never appear in a command line, a project
file or a log, and they are never sent over an unencrypted connection unless
the caller says ``insecure_login``. The whole exchange has a deadline, not
just each read: a server that answers one byte at a time cannot hold the
run.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

from briefing.errors import DeliveryError

SMTP_TIMEOUT = 30.0
"""Seconds the exchange for one message may take, from connecting (or from the previous
message) to the server's acceptance: an overall deadline, not a per-read one."""
PORTS = {"smtps": 465, "smtp": 587}


@dataclass(frozen=True)
class Server:
    """Where to send: ``smtps://HOST[:465]`` (TLS from the start) or
    ``smtp://HOST[:587]`` / ``HOST:PORT`` (STARTTLS when offered)."""

    host: str
    port: int
    implicit_tls: bool
    address: str  # as the user wrote it, for messages


def parse_server(smtp: str) -> Server:
    """The server named by ``--smtp``; one DeliveryError line if it is not one."""
    usage = f"--smtp: {smtp!r} is not a mail server: give smtps://HOST:465, smtp://HOST:587 or HOST:PORT"
    if "://" in smtp:
        parts = urlsplit(smtp)
        try:
            port = parts.port
        except ValueError:
            raise DeliveryError(usage) from None
        if parts.scheme.lower() not in PORTS or not parts.hostname or parts.path not in ("", "/") or parts.query:
            raise DeliveryError(usage)
        if parts.username or parts.password:
            raise DeliveryError("--smtp: no login in the server address (it would show in logs); "
                                "set BRIEFING_SMTP_USER and BRIEFING_SMTP_PASSWORD in the environment")
        scheme = parts.scheme.lower()
        return Server(parts.hostname, port or PORTS[scheme], scheme == "smtps", smtp)
    host, _, port = smtp.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise DeliveryError(usage)
    return Server(host.strip("[]"), int(port), False, smtp)


def send_email(
    messages: EmailMessage | Sequence[EmailMessage],
    smtp: str,
    *,
    timeout: float = SMTP_TIMEOUT,
    insecure_login: bool = False,
) -> None:
    """Hand ``messages`` to the server at ``smtp`` in one connection, over SMTPS or
    STARTTLS when the server offers it, logging in when BRIEFING_SMTP_USER is set
    (never in clear text, unless ``insecure_login``). Each message must be accepted
    within ``timeout`` seconds of the previous one (the first of connecting);
    every failure becomes one DeliveryError line naming the server."""
    if isinstance(messages, EmailMessage):
        messages = [messages]
    session = _Session(parse_server(smtp), timeout=timeout, insecure_login=insecure_login)
    worker = threading.Thread(target=session.run, args=(list(messages),), name="smtp", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(max(0.0, session.deadline - time.monotonic()))
        if worker.is_alive() and time.monotonic() >= session.deadline:
            session.abort()
            worker.join(1.0)
            if session.delivered:  # every message was accepted; only the goodbye stalled
                break
            raise DeliveryError(
                f"{smtp}: no complete answer within {timeout:g} s (the server stalled); nothing more was sent"
            )
    if session.error is not None:
        raise _delivery_error(session.error, smtp, session.user) from session.error
    if session.refused:
        raise DeliveryError(f"{smtp}: recipients refused: {', '.join(sorted(session.refused))}")


class _Connection(smtplib.SMTP):
    """smtplib's client that shows its socket to the session as soon as it exists,
    so a stalled server can be cut off, and speaks TLS from the first byte for smtps://."""

    def __init__(self, server: Server, *, timeout: float, on_socket, tls: ssl.SSLContext | None):
        self.on_socket = on_socket
        self.implicit_tls = tls
        super().__init__(server.host, server.port, timeout=timeout)

    def _get_socket(self, host, port, timeout):
        connection = socket.create_connection((host, port), timeout, self.source_address)
        self.on_socket(connection)
        if self.implicit_tls is not None:
            return self.implicit_tls.wrap_socket(connection, server_hostname=host)
        return connection


class _Session:
    """One SMTP exchange, run on a worker thread while the caller keeps the deadline."""

    def __init__(self, server: Server, *, timeout: float, insecure_login: bool) -> None:
        self.server = server
        self.timeout = timeout
        self.insecure_login = insecure_login
        self.user = os.environ.get("BRIEFING_SMTP_USER")
        self.password = os.environ.get("BRIEFING_SMTP_PASSWORD")
        self.deadline = time.monotonic() + timeout
        self.socket: socket.socket | None = None
        self.error: BaseException | None = None
        self.refused: set[str] = set()
        self.delivered = False

    def run(self, messages: Sequence[EmailMessage]) -> None:
        try:
            self.exchange(messages)
        except BaseException as error:  # handed to the caller's thread
            self.error = error

    def exchange(self, messages: Sequence[EmailMessage]) -> None:
        context = ssl.create_default_context()
        tls = context if self.server.implicit_tls else None
        with _Connection(self.server, timeout=self.timeout, on_socket=self.watch, tls=tls) as connection:
            connection.ehlo()
            encrypted = self.server.implicit_tls
            if not encrypted and connection.has_extn("starttls"):
                connection.starttls(context=context)
                connection.ehlo()
                encrypted = True
            if self.user:
                if not encrypted and not self.insecure_login:
                    raise DeliveryError(
                        f"{self.server.address}: the server offers no STARTTLS, so the login would go in clear text; "
                        "use smtps://HOST:465, or --insecure-login on a network you trust"
                    )
                connection.login(self.user, self.password or "")
            for message in messages:
                try:
                    self.refused.update(connection.send_message(message, to_addrs=envelope(message)))
                except smtplib.SMTPRecipientsRefused as error:  # this copy's only; the others still go
                    self.refused.update(error.recipients)
                self.deadline = time.monotonic() + self.timeout  # the next message has its own time
            self.delivered = True

    def watch(self, connection: socket.socket) -> None:
        self.socket = connection

    def abort(self) -> None:
        """Cut the connection under the worker: its blocked read ends at once."""
        if self.socket is not None:
            try:
                self.socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def envelope(message: EmailMessage) -> list[str]:
    """Where the server delivers: the To and Bcc addresses (a group such as
    undisclosed-recipients has none)."""
    return [
        address.addr_spec
        for name in ("To", "Cc", "Bcc")
        for address in (message[name].addresses if message[name] is not None else ())
    ]


def _delivery_error(error: BaseException, smtp: str, user: str | None) -> BaseException:
    """One line for any failure of the exchange; a DeliveryError already is one."""
    if isinstance(error, DeliveryError):
        return error
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return DeliveryError(f"{smtp}: login refused for {user}: {_smtp_reason(error)}")
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return DeliveryError(f"{smtp}: recipients refused: {', '.join(sorted(error.recipients))}")
    if isinstance(error, smtplib.SMTPResponseException):
        return DeliveryError(f"{smtp}: server said {_smtp_reason(error)}")
    if isinstance(error, (smtplib.SMTPException, ssl.SSLError, ssl.CertificateError)):
        return DeliveryError(f"{smtp}: {error}")
    if isinstance(error, OSError):  # TimeoutError included
        return DeliveryError(f"{smtp}: cannot connect: {error.strerror or error}")
    return error  # anything else is a bug and is reported as one


def _smtp_reason(error: smtplib.SMTPResponseException) -> str:
    reason = error.smtp_error
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    return f"{error.smtp_code} {' '.join(str(reason).split())}"

