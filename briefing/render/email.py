"""The email format: the brief as HTML with every style inlined, as plain
text, and as one multipart/alternative message of both (the ``.eml``).

Sending the message is delivery, not rendering: ``briefing.mail``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

import css_inline

from briefing.errors import DeliveryError, RenderError
from briefing.model import Brief
from briefing.render.assets import render_page
from briefing.render.options import RenderOptions
from briefing.render.view import long_date

LOG = logging.getLogger("briefing")
GMAIL_CLIP_BYTES = 102 * 1024  # Gmail shows "[Message clipped]" beyond this


def render_email_html(brief: Brief, *, options: RenderOptions | None = None) -> str:
    """Email HTML: every style inlined onto its element, no <style> left,
    because Gmail and Outlook drop or mangle style sheets."""
    html = render_page(brief, options or RenderOptions(), format="email", template="email.html.j2", stylesheets=("email.css",))
    inliner = css_inline.CSSInliner(
        keep_style_tags=False,
        keep_link_tags=False,
        load_remote_stylesheets=False,
        apply_width_attributes=True,
    )
    try:
        inlined = inliner.inline(html)
    except css_inline.InlineError as error:
        raise RenderError(f"email.css: cannot inline styles: {error}") from error
    size = len(inlined.encode("utf-8"))
    if size > GMAIL_CLIP_BYTES:
        LOG.warning(
            "email: %d KB of HTML; Gmail clips messages over 102 KB", size // 1024
        )
    return inlined


def render_email_text(brief: Brief, *, options: RenderOptions | None = None) -> str:
    """The plain-text part of the email."""
    return render_page(brief, options or RenderOptions(), format="text", template="email.txt.j2")


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


def _sender_domain(sender: str | None) -> str:
    """The domain for the Message-ID: the sender's, else a local placeholder."""
    domain = parseaddr(sender or "")[1].rpartition("@")[2]
    return domain or "briefing.local"
