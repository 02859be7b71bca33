"""Email delivery: the multipart message, its inlined HTML part, and sending
it to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import socket
import subprocess
from email import message_from_bytes
from email.policy import default as default_policy
from html.parser import HTMLParser

import pytest
from sample_brief import hostile_brief, long_brief, sample_brief

from briefing.errors import BriefingError
from briefing.mail import DeliveryError, send_email
from briefing.render.email import build_email
from briefing.render import RenderOptions, render_bytes

GMAIL_CLIP_BYTES = 102 * 1024


@pytest.fixture(scope="module")
def message():
    return build_email(
        sample_brief(),
        to="minister@example.org",
        sender="Policy Unit <unit@example.org>",
    )


def parts(message) -> dict[str, str]:
    return {
        part.get_content_type(): part.get_content() for part in message.iter_parts()
    }


class Tags(HTMLParser):
    def __init__(self, text: str):
        super().__init__()
        self.found: list[tuple[str, dict]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_message_is_multipart_alternative_text_then_html(message):
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert message["To"] == "minister@example.org"
    assert message["From"] == "Policy Unit <unit@example.org>"
    assert (
        message["Subject"]
        == "Briefing: Pakistan–Russia relations (as of 25 February 2022)"
    )
    assert message["Message-ID"].endswith("@example.org>")


def test_subject_can_be_given():
    message = build_email(
        sample_brief(),
        to=["a@example.org", "b@example.org"],
        sender="unit@example.org",
        subject="Morning note",
    )
    assert message["Subject"] == "Morning note"
    assert message["To"] == "a@example.org, b@example.org"


def test_plain_text_part_carries_claims_and_sources(message):
    text = parts(message)["text/plain"]
    brief = sample_brief()
    for claim in brief.summary:
        assert claim.text in text
    assert (
        "[1][2][3][4][5] (4 outlets, 7 Apr 2021)" in text
    )  # no Markdown escapes in plain text
    assert "[4] Business Standard" in text and "duplicate of [3]" in text
    assert "<" not in text.replace("<https", "")


def test_html_part_has_every_style_inlined_and_nothing_clients_strip(message):
    html = parts(message)["text/html"]
    tags = Tags(html).found
    names = {tag for tag, _ in tags}
    assert not names & {"style", "script", "svg", "img", "link", "iframe", "object"}
    assert "@font-face" not in html and "url(" not in html
    styled = {tag for tag, attrs in tags if "style" in attrs}
    assert {"body", "h1", "h2", "table", "td", "a"} <= styled
    assert any(
        "width" in attrs and tag == "td" for tag, attrs in tags
    )  # table bars for Outlook


def test_email_html_shows_agreement_as_table_bars(message):
    html = parts(message)["text/html"]
    fills = re.findall(r'class="bar-fill"[^>]*width="(\d+)%"', html)
    # one bar per top story: the Moscow visit (1 of 6 outlets), the pipeline talks (4 of 6)
    assert fills == ["17", "67"]


def test_email_html_is_small_enough_that_gmail_does_not_clip_it():
    html = render_bytes(sample_brief(), "email")
    print(f"email HTML: {len(html)} bytes")
    assert len(html) < GMAIL_CLIP_BYTES


def test_an_email_too_long_for_gmail_is_flagged(caplog):
    brief = long_brief(40)
    with caplog.at_level(logging.WARNING, logger="briefing"):
        html = render_bytes(brief, "email")
    assert len(html) > GMAIL_CLIP_BYTES
    assert "Gmail clips messages over 102 KB" in caplog.text


def test_email_shows_article_text_literally():
    message = build_email(hostile_brief(), to="a@example.org", sender="b@example.org")
    html = parts(message)["text/html"]
    assert "{{ 7*7 }}" in html and "&lt;script&gt;" in html and "<script" not in html
    assert "<script>alert(1)</script>" in parts(message)["text/plain"]


def test_eml_format_renders_a_draft_message(tmp_path):
    options = RenderOptions(recipients=("desk@example.org",), sender="unit@example.org")
    eml = message_from_bytes(
        render_bytes(sample_brief(), "eml", options=options), policy=default_policy
    )
    assert eml["To"] == "desk@example.org"
    assert (
        eml.get_body(("plain",)).get_content().startswith("# Pakistan–Russia relations")
    )
    draft = message_from_bytes(
        render_bytes(sample_brief(), "eml"), policy=default_policy
    )
    assert draft["To"] is None and draft.get_body(("html",)) is not None


def test_delivery_error_is_a_briefing_error():
    assert issubclass(DeliveryError, BriefingError)


def test_bad_server_address_is_one_clear_error(message):
    with pytest.raises(DeliveryError, match="HOST:PORT"):
        send_email(message, "localhost")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_nobody_listening_is_one_clear_error(message):
    port = _free_port()
    with pytest.raises(DeliveryError, match=f"127.0.0.1:{port}: cannot connect"):
        send_email(message, f"127.0.0.1:{port}")


# A real SMTP server ------------------------------------------------------------


class Inbox:
    """aiosmtpd handler that keeps what arrives and refuses one address."""

    def __init__(self):
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"


@contextlib.contextmanager
def serving(inbox: Inbox, **server_options):
    """An aiosmtpd server on a free local port for the length of a test."""
    controller_module = pytest.importorskip("aiosmtpd.controller")
    controller = controller_module.Controller(
        inbox, hostname="127.0.0.1", port=_free_port(), **server_options
    )
    controller.start()
    try:
        yield f"127.0.0.1:{controller.port}"
    finally:
        controller.stop()


@pytest.fixture
def smtp_server():
    pytest.importorskip("aiosmtpd")
    from aiosmtpd.smtp import AuthResult, LoginPassword

    inbox = Inbox()
    inbox.logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            inbox.logins.append((auth_data.login.decode(), auth_data.password.decode()))
            return AuthResult(success=auth_data.password == b"s3cret", handled=False)
        return AuthResult(success=False, handled=False)

    options = {
        "authenticator": authenticator,
        "auth_require_tls": False,
        "auth_exclude_mechanism": ["LOGIN"],
    }
    with serving(inbox, **options) as address:
        yield inbox, address


@pytest.mark.smtp
def test_sent_brief_arrives_with_both_parts(message, smtp_server, monkeypatch):
    monkeypatch.delenv("BRIEFING_SMTP_USER", raising=False)
    monkeypatch.delenv("BRIEFING_SMTP_STARTTLS", raising=False)
    inbox, address = smtp_server
    send_email(message, address)
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["minister@example.org"]
    arrived = message_from_bytes(envelope.content, policy=default_policy)
    text = arrived.get_body(("plain",)).get_content()
    html = arrived.get_body(("html",)).get_content()
    assert sample_brief().summary[0].text in text
    assert 'style="' in html
    assert not re.search(r"<(style|script|svg)\b", html)


@pytest.mark.smtp
def test_login_uses_credentials_from_the_environment_only(
    message, smtp_server, monkeypatch
):
    inbox, address = smtp_server
    monkeypatch.setenv("BRIEFING_SMTP_USER", "unit")
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "s3cret")
    send_email(message, address)
    assert inbox.logins == [("unit", "s3cret")] and len(inbox.envelopes) == 1
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "wrong")
    with pytest.raises(DeliveryError, match="login refused for unit") as refused:
        send_email(message, address)
    assert "\n" not in str(refused.value) and "wrong" not in str(refused.value)


@pytest.mark.smtp
def test_required_starttls_that_the_server_lacks_stops_the_send(
    message, smtp_server, monkeypatch
):
    monkeypatch.delenv("BRIEFING_SMTP_USER", raising=False)
    monkeypatch.setenv("BRIEFING_SMTP_STARTTLS", "1")
    inbox, address = smtp_server
    with pytest.raises(DeliveryError, match="does not offer STARTTLS"):
        send_email(message, address)
    assert inbox.envelopes == []


@pytest.mark.smtp
def test_refused_recipient_is_named(smtp_server, monkeypatch):
    monkeypatch.delenv("BRIEFING_SMTP_USER", raising=False)
    monkeypatch.delenv("BRIEFING_SMTP_STARTTLS", raising=False)
    _, address = smtp_server
    message = build_email(
        sample_brief(), to="nobody@example.org", sender="unit@example.org"
    )
    with pytest.raises(DeliveryError, match="nobody@example.org"):
        send_email(message, address)


@pytest.fixture
def tls_smtp_server(tmp_path, monkeypatch):
    """An SMTP server that offers STARTTLS with a certificate the client is told to trust."""
    pytest.importorskip("aiosmtpd")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    import ssl

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    inbox = Inbox()
    with serving(inbox, tls_context=context, require_starttls=True) as address:
        yield inbox, address


@pytest.mark.smtp
def test_starttls_is_used_when_the_server_offers_it(
    message, tls_smtp_server, monkeypatch
):
    monkeypatch.delenv("BRIEFING_SMTP_USER", raising=False)
    monkeypatch.setenv("BRIEFING_SMTP_STARTTLS", "1")
    inbox, address = tls_smtp_server
    send_email(message, address)  # the server refuses mail before STARTTLS
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["minister@example.org"]


def test_subject_says_briefing_once_whatever_the_title():
    from dataclasses import replace

    from briefing.render.email import default_subject


    assert default_subject(replace(sample_brief(), title="Briefing: Gas talks")).count("Briefing") == 1
    assert default_subject(replace(sample_brief(), title="Gas talks")).startswith("Briefing: Gas talks (as of ")
