"""The email format: the brief as HTML with every style inlined, as plain
text, and as one multipart/alternative message of both (the ``.eml``), with
the copies to send (one per recipient, or one with hidden recipients).

Sending the message is delivery, not rendering: ``briefing.mail``.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, make_msgid
from urllib.parse import urlsplit

import css_inline

from briefing.errors import DeliveryError, RenderError
from briefing.model import Brief
from briefing.render.assets import render_page
from briefing.render.options import RenderOptions
from briefing.render.view import long_date

LOG = logging.getLogger("briefing")
GMAIL_CLIP_BYTES = 102 * 1024  # Gmail shows "[Message clipped]" beyond this
HIDDEN_RECIPIENTS = "undisclosed-recipients:;"  # the empty group To: of a message sent Bcc
MAX_UNSUBSCRIBE = 900  # characters: the header stays within RFC 5322's 998 per line


class _UnfoldedHeader:
    """A header of <URL>s written as is: folding would RFC 2047-encode a long URL
    and no mail client would recognise it any more."""

    max_count = 1

    @classmethod
    def parse(cls, value, kwds):
        kwds["decoded"] = value
        kwds["parse_tree"] = None

    def fold(self, *, policy):
        return f"{self.name}: {self}{policy.linesep}"


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("list-unsubscribe", _UnfoldedHeader)
MAIL_POLICY = default_policy.clone(header_factory=_HEADERS)




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


def parse_addresses(text: str, option: str = "address") -> tuple[str, ...]:
    """Each email address in ``text`` ("a@x.org", "Unit <u@x.org>, b@y.org"), or one
    DeliveryError line naming ``option`` when any of it is not an address."""
    probe = EmailMessage(policy=MAIL_POLICY)
    try:
        probe["To"] = text
        header = probe["To"]
        addresses = header.addresses
    except (ValueError, IndexError, TypeError):  # the header parser's complaints
        addresses, header = (), None
    valid = header is not None and not header.defects and addresses and all(
        address.username and address.domain for address in addresses
    )
    if not valid:
        raise DeliveryError(f"{option}: {text!r} is not an email address (like name@example.org)")
    return tuple(str(address) for address in addresses)


def check_unsubscribe(target: str) -> str:
    """An unsubscribe link: an https: URL (one-click, RFC 8058) or a mailto: address."""
    parts = urlsplit(target)
    scheme = parts.scheme.lower()
    plain = target.isprintable() and not any(char in target for char in " <>,\"")
    if not plain or len(target) > MAX_UNSUBSCRIBE or not (
        (scheme == "https" and parts.hostname) or (scheme == "mailto" and "@" in parts.path)
    ):
        raise DeliveryError(f"--unsubscribe: {target!r} must be an https:// URL or a mailto: address")
    return target


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
    unsubscribe: str | None = None,
) -> EmailMessage:
    """The brief as an email: a text/plain part a terminal can read and an
    HTML part with every style inlined. No To/From gives a draft .eml.
    ``addressed`` makes the copies that are sent."""
    options = options or RenderOptions()
    message = EmailMessage(policy=MAIL_POLICY)
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
    message["Message-ID"] = make_msgid(domain=_sender_domain(message))
    if unsubscribe:
        message["List-Unsubscribe"] = f"<{check_unsubscribe(unsubscribe)}>"
        if unsubscribe.lower().startswith("https:"):
            message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
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


def addressed(message: EmailMessage, recipients: Sequence[str], *, bcc: bool = False) -> list[EmailMessage]:
    """The copies to send: one per recipient, each To: only them with its own
    Message-ID, so no reader sees who else gets the brief; or, with ``bcc``, one
    copy To: undisclosed-recipients with everyone in Bcc (smtplib drops that
    header when sending)."""
    def copy_to(visible: str, hidden: Sequence[str] = ()) -> EmailMessage:
        copied = copy.deepcopy(message)
        del copied["To"]
        del copied["Bcc"]
        copied["To"] = visible
        if hidden:
            copied["Bcc"] = ", ".join(hidden)
        copied.replace_header("Message-ID", make_msgid(domain=_sender_domain(message)))
        return copied

    if bcc or not recipients:
        return [copy_to(HIDDEN_RECIPIENTS, recipients)]
    return [copy_to(recipient) for recipient in recipients]



def _sender_domain(message: EmailMessage) -> str:
    """The domain for the Message-ID: the sender's, else a local placeholder (a draft)."""
    sender = message["From"]
    addresses = sender.addresses if sender is not None else ()
    return addresses[0].domain if addresses and addresses[0].domain else "briefing.local"
