"""Delivery by email: a rendered message (``briefing.render.email.build_email``)
sent over SMTP, with STARTTLS when offered. Nothing here renders: delivery
comes after the render stage and never reaches back into it.

SMTP credentials come only from the environment (BRIEFING_SMTP_USER,
BRIEFING_SMTP_PASSWORD) so they never appear in a command line or a log.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from email.message import EmailMessage

from briefing.errors import DeliveryError

SMTP_TIMEOUT = 30  # seconds


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
