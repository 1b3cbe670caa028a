"""Alert e-mail over STARTTLS with sign-in, against a real local SMTP server (aiosmtpd) that
requires both, with a certificate made by the openssl command-line tool for this test."""

from __future__ import annotations

import re
import shutil
import smtplib
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.serving import free_port
from tests.watches.helpers import SmtpInbox
from wayhome.settings import Environment, Settings
from wayhome.watches import mailer

USER, PASSWORD = "wayhome-relay", "relay password"


def _authenticate(*args: Any) -> AuthResult:
    credentials = args[-1]
    good = isinstance(credentials, LoginPassword) and (
        credentials.login == USER.encode() and credentials.password == PASSWORD.encode()
    )
    return AuthResult(success=good)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost, and its key."""
    openssl = shutil.which("openssl")
    assert openssl, "the openssl command-line tool is needed to make the test certificate"
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "relay.pem", folder / "relay.key"
    subprocess.run(
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def relay(certificate: tuple[Path, Path]) -> Iterator[tuple[SmtpInbox, int]]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = SmtpInbox()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        server_hostname="localhost",
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _settings(port: int, **changes: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": Environment.TEST,
        "smtp_host": "localhost",
        "smtp_port": port,
        "smtp_starttls": True,
        "smtp_username": USER,
        "smtp_password": PASSWORD,
    }
    return Settings(**(values | changes))


def _mail() -> Any:
    return mailer.message("wayhome@example.org", "duty@example.org", "alert", "a match")


def test_starttls_and_sign_in_with_the_agencys_ca(
    relay: tuple[SmtpInbox, int], certificate: tuple[Path, Path]
) -> None:
    inbox, port = relay
    mailer.send(_settings(port, smtp_ca_file=str(certificate[0])), _mail())
    assert [m["Subject"] for m in inbox.messages] == ["alert"]
    assert inbox.messages[0]["To"] == "duty@example.org"


def test_a_relay_certificate_nobody_vouches_for_is_refused(relay: tuple[SmtpInbox, int]) -> None:
    # The system's CAs do not know this relay: the alert is not handed to it (smtplib's own
    # STARTTLS would have sent it, password included, to whoever answered).
    inbox, port = relay
    with pytest.raises(ssl.SSLCertVerificationError):
        mailer.send(_settings(port), _mail())
    assert inbox.messages == []


def test_a_certificate_for_another_name_is_refused(
    relay: tuple[SmtpInbox, int], certificate: tuple[Path, Path]
) -> None:
    inbox, port = relay
    settings = _settings(port, smtp_host="127.0.0.1", smtp_ca_file=str(certificate[0]))
    with pytest.raises(ssl.SSLCertVerificationError, match=re.escape("127.0.0.1")):
        mailer.send(settings, _mail())
    assert inbox.messages == []


def test_without_starttls_no_password_is_sent(relay: tuple[SmtpInbox, int]) -> None:
    # The relay offers sign-in only over TLS; a client configured without STARTTLS stops.
    inbox, port = relay
    with pytest.raises(smtplib.SMTPNotSupportedError, match="AUTH"):
        mailer.send(_settings(port, smtp_starttls=False), _mail())
    assert inbox.messages == []
