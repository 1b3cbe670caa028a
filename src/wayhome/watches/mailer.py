"""Alert e-mail through the configured SMTP relay (stdlib smtplib)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from wayhome.settings import Settings

TIMEOUT_SECONDS = 15.0


def message(sender: str, to: str, subject: str, text: str) -> EmailMessage:
    """A plain-text alert message."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(text)
    return mail


def send(settings: Settings, mail: EmailMessage) -> None:
    """Hand one message to the relay; raises OSError/SMTPException on failure."""
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=tls_context(settings))
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(mail)


def tls_context(settings: Settings) -> ssl.SSLContext:
    """How the relay's certificate is checked after STARTTLS: against the system's CAs, or
    the agency's own CA when `smtp_ca_file` names one, and for the relay's host name.
    (smtplib's own default checks neither, so anyone on the path could read the alerts.)"""
    return ssl.create_default_context(cafile=settings.smtp_ca_file or None)
