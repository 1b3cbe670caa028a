"""Alert e-mail through the configured SMTP relay (stdlib smtplib)."""

from __future__ import annotations

import smtplib
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
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(mail)
