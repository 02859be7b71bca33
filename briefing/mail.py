"""Delivery by email: a ``Brief`` in, a multipart/alternative message out
(plain text + inlined HTML), sent over SMTP with STARTTLS when offered.

SMTP credentials come only from the environment (BRIEFING_SMTP_USER,
BRIEFING_SMTP_PASSWORD) so they never appear in a command line or a log.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from briefing.errors import DeliveryError
from briefing.model import Brief
from briefing.render import RenderOptions, render_email_html, render_email_text
from briefing.render.view import long_date

SMTP_TIMEOUT = 30  # seconds


def default_subject(brief: Brief) -> str:
    """'Briefing: <title> (as of 25 February 2022)', saying "Briefing" once."""
    title = brief.title if brief.title.lower().startswith("briefing") else f"Briefing: {brief.title}"
    return f"{title} (as of {long_date(brief.as_of)})"


def build_email(
    brief: Brief,
    *,
    to: str | Sequence[str] | None,
    sender: str | None,
    subject: str | None = None,
    options: RenderOptions | None = None,
) -> EmailMessage:
    """The brief as an email: a text/plain part a terminal can read and an
    HTML part with every style inlined. No To/From gives a draft .eml."""
    options = options or RenderOptions()
    message = EmailMessage()
    # One line, whatever the title holds: a line break would start a new header.
    message["Subject"] = " ".join((subject or default_subject(brief)).split())
    recipients = [to] if isinstance(to, str) else list(to or ())
    try:
        if sender:
            message["From"] = sender
        if recipients:
            message["To"] = ", ".join(recipients)
    except (ValueError, IndexError) as error:  # the header parser's complaint
        raise DeliveryError(f"email address: {error}") from error
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=_sender_domain(sender))
    message.set_content(
        render_email_text(brief, options=options),
        subtype="plain",
        cte="quoted-printable",
    )
    message.add_alternative(
        render_email_html(brief, options=options),
        subtype="html",
        cte="quoted-printable",
    )
    return message


def send_email(message: EmailMessage, smtp: str) -> None:
    """Hand ``message`` to the server at HOST:PORT, over STARTTLS whenever the
    server offers it (BRIEFING_SMTP_STARTTLS=1 makes it required), logging in
    when BRIEFING_SMTP_USER is set; every failure becomes one DeliveryError
    line naming the server."""
    host, port = _parse_server(smtp)
    user = os.environ.get("BRIEFING_SMTP_USER")
    password = os.environ.get("BRIEFING_SMTP_PASSWORD")
    require_tls = os.environ.get("BRIEFING_SMTP_STARTTLS") == "1"
    try:
        with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT) as server:
            server.ehlo()
            if server.has_extn("starttls"):
                server.starttls(context=ssl.create_default_context())
                server.ehlo()
            elif require_tls:
                raise DeliveryError(f"{smtp}: server does not offer STARTTLS")
            if user:
                server.login(user, password or "")
            refused = server.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise DeliveryError(
            f"{smtp}: login refused for {user}: {_smtp_reason(error)}"
        ) from error
    except smtplib.SMTPRecipientsRefused as error:
        addresses = ", ".join(sorted(error.recipients))
        raise DeliveryError(f"{smtp}: recipients refused: {addresses}") from error
    except smtplib.SMTPResponseException as error:
        raise DeliveryError(f"{smtp}: server said {_smtp_reason(error)}") from error
    except (smtplib.SMTPException, ssl.SSLError) as error:
        raise DeliveryError(f"{smtp}: {error}") from error
    except (TimeoutError, OSError) as error:
        raise DeliveryError(
            f"{smtp}: cannot connect: {error.strerror or error}"
        ) from error
    if refused:
        raise DeliveryError(f"{smtp}: recipients refused: {', '.join(sorted(refused))}")


def _parse_server(smtp: str) -> tuple[str, int]:
    host, _, port = smtp.rpartition(":")
    if not host or not port.isdigit():
        raise DeliveryError(f"{smtp}: SMTP server must be HOST:PORT, e.g. localhost:25")
    return host.strip("[]"), int(port)


def _smtp_reason(error: smtplib.SMTPResponseException) -> str:
    reason = error.smtp_error
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    return f"{error.smtp_code} {' '.join(str(reason).split())}"


def _sender_domain(sender: str | None) -> str:
    """The domain for the Message-ID: the sender's, else a local placeholder."""
    domain = parseaddr(sender or "")[1].rpartition("@")[2]
    return domain or "briefing.local"
