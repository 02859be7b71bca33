"""Email delivery: the multipart message, its inlined HTML part, and sending
it to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import itertools
import logging
import re
import shutil
import socket
import subprocess
import sys
import threading
from email import message_from_bytes
from email.policy import default as default_policy
from html.parser import HTMLParser

import pytest
from sample_brief import hostile_brief, long_brief, sample_brief

from briefing.errors import BriefingError
from briefing.mail import DeliveryError, parse_server, send_email
from briefing.render.email import addressed, build_email, check_unsubscribe, parse_addresses
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
        self.logins = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def arrived(self):
        return [message_from_bytes(envelope.content, policy=default_policy) for envelope in self.envelopes]

    def authenticator(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
            return AuthResult(success=auth_data.password == b"s3cret", handled=False)
        return AuthResult(success=False, handled=False)


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


LOGIN = {"auth_exclude_mechanism": ["LOGIN"]}  # PLAIN only, as most servers


@pytest.fixture(autouse=True)
def no_login(monkeypatch):
    """No test logs in unless it says so."""
    monkeypatch.delenv("BRIEFING_SMTP_USER", raising=False)
    monkeypatch.delenv("BRIEFING_SMTP_PASSWORD", raising=False)


@pytest.fixture
def smtp_server():
    """A plain server (no TLS) that would accept a login, as a careless one does."""
    pytest.importorskip("aiosmtpd")
    inbox = Inbox()
    with serving(inbox, authenticator=inbox.authenticator, auth_require_tls=False, **LOGIN) as address:
        yield inbox, address


@pytest.mark.smtp
def test_sent_brief_arrives_with_both_parts(message, smtp_server):
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
def test_no_login_over_a_plain_connection_unless_insecure_login_is_given(message, smtp_server, monkeypatch):
    inbox, address = smtp_server
    monkeypatch.setenv("BRIEFING_SMTP_USER", "unit")
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "s3cret")
    with pytest.raises(DeliveryError, match="no STARTTLS.*clear text.*--insecure-login"):
        send_email(message, address)
    assert inbox.logins == [] and inbox.envelopes == []
    send_email(message, address, insecure_login=True)
    assert inbox.logins == [("unit", "s3cret")] and len(inbox.envelopes) == 1


@pytest.mark.smtp
def test_refused_recipient_is_named(smtp_server):
    _, address = smtp_server
    message = build_email(
        sample_brief(), to="nobody@example.org", sender="unit@example.org"
    )
    with pytest.raises(DeliveryError, match="nobody@example.org"):
        send_email(message, address)


@pytest.mark.smtp
def test_a_refused_recipient_does_not_stop_the_others(smtp_server):
    inbox, address = smtp_server
    recipients = ["nobody@example.org", "desk@example.org"]
    message = build_email(sample_brief(), to=recipients, sender="unit@example.org")
    with pytest.raises(DeliveryError, match="recipients refused: nobody@example.org$"):
        send_email(addressed(message, recipients), address)
    assert [envelope.rcpt_tos for envelope in inbox.envelopes] == [["desk@example.org"]]


@pytest.mark.smtp
def test_each_recipient_gets_a_copy_addressed_only_to_them(smtp_server):
    inbox, address = smtp_server
    recipients = ["a@example.org", "Desk B <b@example.org>"]
    message = build_email(sample_brief(), to=recipients, sender="Unit <unit@policy.example>")
    send_email(addressed(message, recipients), address)
    assert [envelope.rcpt_tos for envelope in inbox.envelopes] == [["a@example.org"], ["b@example.org"]]
    first, second = inbox.arrived()
    assert first["To"] == "a@example.org" and second["To"] == "Desk B <b@example.org>"
    assert first["Message-ID"] != second["Message-ID"]
    assert all(copy["Message-ID"].endswith("@policy.example>") for copy in (first, second))


@pytest.mark.smtp
def test_bcc_sends_one_message_with_the_recipients_hidden(smtp_server):
    inbox, address = smtp_server
    recipients = ["a@example.org", "b@example.org"]
    message = build_email(sample_brief(), to=recipients, sender="unit@example.org")
    send_email(addressed(message, recipients, bcc=True), address)
    [envelope] = inbox.envelopes
    assert sorted(envelope.rcpt_tos) == recipients
    [arrived] = inbox.arrived()
    assert arrived["To"] == "undisclosed-recipients:;" and arrived["Bcc"] is None
    assert b"a@example.org" not in envelope.content


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made by openssl for this test run."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(certificate):
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def trusted(certificate, monkeypatch):
    """The client trusts the test certificate (and only it)."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))


@pytest.fixture
def tls_smtp_server(certificate):
    """An SMTP server that offers STARTTLS, and refuses mail and logins before it."""
    pytest.importorskip("aiosmtpd")
    inbox = Inbox()
    options = {"tls_context": server_context(certificate), "require_starttls": True,
               "authenticator": inbox.authenticator, "auth_require_tls": True, **LOGIN}
    with serving(inbox, **options) as address:
        yield inbox, address


@pytest.fixture
def smtps_server(certificate):
    """An SMTPS server: TLS from the first byte, as on port 465."""
    pytest.importorskip("aiosmtpd")
    inbox = Inbox()
    options = {"ssl_context": server_context(certificate), "authenticator": inbox.authenticator,
               "auth_require_tls": False, **LOGIN}
    with serving(inbox, **options) as address:
        yield inbox, f"smtps://{address}"


@pytest.mark.smtp
def test_starttls_is_used_when_the_server_offers_it(message, tls_smtp_server, trusted):
    inbox, address = tls_smtp_server
    send_email(message, f"smtp://{address}")  # the server refuses mail before STARTTLS
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["minister@example.org"]


@pytest.mark.smtp
def test_login_uses_credentials_from_the_environment_only(message, tls_smtp_server, trusted, monkeypatch):
    inbox, address = tls_smtp_server
    monkeypatch.setenv("BRIEFING_SMTP_USER", "unit")
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "s3cret")
    send_email(message, address)
    assert inbox.logins == [("unit", "s3cret")] and len(inbox.envelopes) == 1
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "wrong")
    with pytest.raises(DeliveryError, match="login refused for unit") as refused:
        send_email(message, address)
    assert "\n" not in str(refused.value) and "wrong" not in str(refused.value)


@pytest.mark.smtp
def test_smtps_delivers_and_logs_in_over_tls_from_the_first_byte(message, smtps_server, trusted, monkeypatch):
    inbox, address = smtps_server
    monkeypatch.setenv("BRIEFING_SMTP_USER", "unit")
    monkeypatch.setenv("BRIEFING_SMTP_PASSWORD", "s3cret")
    send_email(message, address)
    assert inbox.logins == [("unit", "s3cret")]
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == ["minister@example.org"]


@pytest.mark.smtp
def test_smtps_with_a_certificate_nobody_vouches_for_is_refused(message, smtps_server):
    inbox, address = smtps_server
    with pytest.raises(DeliveryError, match="certificate verify failed"):
        send_email(message, address)
    assert inbox.envelopes == []


@pytest.mark.parametrize("written, expected", [
    ("smtps://mail.example.org", ("mail.example.org", 465, True)),
    ("smtps://mail.example.org:2465", ("mail.example.org", 2465, True)),
    ("smtp://mail.example.org", ("mail.example.org", 587, False)),
    ("mail.example.org:25", ("mail.example.org", 25, False)),
    ("[::1]:25", ("::1", 25, False)),
])
def test_server_addresses(written, expected):
    server = parse_server(written)
    assert (server.host, server.port, server.implicit_tls) == expected


@pytest.mark.parametrize("written", ["mail.example.org", "ftp://mail.example.org", "smtp://", "h:99999", "smtps://h:x"])
def test_a_wrong_server_address_is_one_clear_error(written):
    with pytest.raises(DeliveryError, match="smtps://HOST:465, smtp://HOST:587 or HOST:PORT"):
        parse_server(written)


def test_a_password_in_the_server_address_is_refused_and_not_repeated():
    with pytest.raises(DeliveryError, match="no login in the server address") as refused:
        parse_server("smtps://unit:s3cret@mail.example.org")
    assert "s3cret" not in str(refused.value)


# List-Unsubscribe ----------------------------------------------------------------


def test_https_unsubscribe_is_one_click_and_stays_one_unencoded_header():
    link = "https://example.org/unsubscribe?list=briefs&token=" + "a" * 150
    message = build_email(sample_brief(), to="a@example.org", sender="unit@example.org", unsubscribe=link)
    raw = bytes(message)
    assert f"List-Unsubscribe: <{link}>\n".encode() in raw
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    reread = message_from_bytes(raw, policy=default_policy)
    assert reread["List-Unsubscribe"] == f"<{link}>"


def test_mailto_unsubscribe_has_no_one_click_header():
    message = build_email(sample_brief(), to="a@example.org", sender="unit@example.org",
                          unsubscribe="mailto:unit@example.org?subject=unsubscribe")
    assert message["List-Unsubscribe"] == "<mailto:unit@example.org?subject=unsubscribe>"
    assert message["List-Unsubscribe-Post"] is None


@pytest.mark.parametrize("link", ["http://example.org/u", "example.org/u", "javascript:alert(1)",
                                  "https://example.org/u>, <https://evil.example", "mailto:", "https://x.org/a\r\nBcc: v@x.org"])
def test_unsubscribe_must_be_an_https_url_or_a_mailto_address(link):
    with pytest.raises(DeliveryError, match="--unsubscribe"):
        check_unsubscribe(link)


# Addresses -----------------------------------------------------------------------


def test_addresses_are_parsed_one_or_several_at_a_time():
    assert parse_addresses("Unit <unit@example.org>, b@example.org") == ("Unit <unit@example.org>", "b@example.org")


@pytest.mark.parametrize("written", ["", "   ", "not an address <<>>@@", "desk", "desk@", "@example.org",
                                     "a@example.org\r\nBcc: v@example.org"])
def test_what_is_not_an_address_is_one_clear_error(written):
    with pytest.raises(DeliveryError, match="--to: .* is not an email address"):
        parse_addresses(written, "--to")


# A server that never finishes: the deadline ------------------------------------


@contextlib.contextmanager
def trickling_server(seconds_per_byte: float = 0.5):
    """A raw socket server that answers every connection with an endless
    greeting, one byte every ``seconds_per_byte``: each read gets data long
    before a per-read timeout, so only an overall deadline stops the client."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle(connection):
        with connection:
            for byte in itertools.cycle(b"220-still coming\r\n"):
                if stop.wait(seconds_per_byte):
                    return
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return

    def accept():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=trickle, args=(connection,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        listener.close()


@pytest.mark.smtp
def test_a_trickling_server_is_cut_off_at_the_deadline(message):
    outcome = []

    def attempt():
        try:
            send_email(message, address, timeout=2)
        except DeliveryError as error:
            outcome.append(str(error))

    with trickling_server() as address:
        worker = threading.Thread(target=attempt, daemon=True)
        worker.start()
        worker.join(60)  # a guard against hanging the test run, not a measure
        assert not worker.is_alive(), "send_email was still waiting for the trickling server"
    assert outcome == [f"{address}: no complete answer within 2 s (the server stalled); nothing more was sent"]


# The email command ---------------------------------------------------------------


BRIEFING = [sys.executable, "-m", "briefing.cli"]


@pytest.fixture
def email_command(story):
    """The email command line for one short article, with these options."""
    return lambda *options: [*BRIEFING, "email", str(story), *options]


def test_email_without_a_sender_is_refused_before_any_work(tmp_path, email_command):
    eml = tmp_path / "brief.eml"
    result = subprocess.run(email_command("--to", "desk@example.org", "--eml", str(eml)),
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [result.stderr.strip()] and result.stderr.startswith("error: email: give --from")
    assert not eml.exists() and "localhost" not in result.stderr


@pytest.mark.parametrize("option, value", [("--to", "not an address <<>>@@"), ("--to", ""), ("--from", "unit"),
                                           ("--unsubscribe", "http://example.org/u"), ("--smtp", "mail.example.org")])
def test_a_bad_email_option_is_one_error_line_and_exit_1(tmp_path, email_command, option, value):
    values = {"--to": "desk@example.org", "--from": "unit@example.org", "--eml": str(tmp_path / "b.eml"), option: value}
    args = [part for pair in values.items() for part in pair]
    result = subprocess.run(email_command(*args), capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {option}: ")


@pytest.mark.smtp
def test_the_email_command_ends_at_the_deadline_of_a_trickling_server(tmp_path, email_command):
    with trickling_server() as address:
        try:
            result = subprocess.run(
                email_command("--to", "desk@example.org", "--from", "unit@example.org",
                              "--smtp", address, "--smtp-timeout", "2", "--no-cache"),
                capture_output=True, text=True, cwd=tmp_path, timeout=120,
            )
        except subprocess.TimeoutExpired:
            pytest.fail("briefing email was still talking to the trickling server")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: {address}: no complete answer within 2 s (the server stalled); nothing more was sent"
    ]


@pytest.mark.smtp
def test_the_email_command_sends_a_copy_per_recipient_with_the_project_files_settings(tmp_path, email_command, smtp_server):
    inbox, address = smtp_server
    (tmp_path / "briefing.toml").write_text(
        f'[email]\nto = ["a@example.org", "b@example.org"]\nfrom = "Unit <unit@policy.example>"\n'
        f'smtp = "{address}"\nunsubscribe = "https://policy.example/unsubscribe"\n'
    )
    result = subprocess.run(email_command("--no-cache"), capture_output=True, text=True,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    arrived = inbox.arrived()
    assert [copy["To"] for copy in arrived] == ["a@example.org", "b@example.org"]
    assert all(copy["From"] == "Unit <unit@policy.example>" for copy in arrived)
    assert all(copy["List-Unsubscribe"] == "<https://policy.example/unsubscribe>" for copy in arrived)


def test_an_eml_for_several_recipients_hides_them_in_bcc(tmp_path, email_command):
    eml = tmp_path / "brief.eml"
    result = subprocess.run(
        email_command("--to", "a@example.org", "--to", "b@example.org", "--from", "unit@example.org",
                      "--eml", str(eml), "--no-cache"),
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    written = message_from_bytes(eml.read_bytes(), policy=default_policy)
    assert written["To"] == "undisclosed-recipients:;"
    assert [address.addr_spec for address in written["Bcc"].addresses] == ["a@example.org", "b@example.org"]
    assert written["Message-ID"].endswith("@example.org>")


def test_subject_says_briefing_once_whatever_the_title():
    from dataclasses import replace

    from briefing.render.email import default_subject


    assert default_subject(replace(sample_brief(), title="Briefing: Gas talks")).count("Briefing") == 1
    assert default_subject(replace(sample_brief(), title="Gas talks")).startswith("Briefing: Gas talks (as of ")
