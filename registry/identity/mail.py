"""Outgoing e-mail: SMTP when configured, otherwise files in a folder.

``REGISTRY_SMTP_HOST`` (with ``REGISTRY_SMTP_PORT``, ``REGISTRY_SMTP_USER``,
``REGISTRY_SMTP_PASSWORD``, ``REGISTRY_SMTP_STARTTLS`` and ``REGISTRY_MAIL_FROM``) sends
through a mail server; without a host every message is written as an ``.eml`` file to
``REGISTRY_MAIL_DIR`` (by default ``mail-outbox`` beside the keys folder, so
``./mail-outbox`` for ``./keys``), so a new installation can read its
invitation links without a mail server.
"""

from __future__ import annotations

import secrets
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from registry.config import MailSettings


class Mailer:
    """Sends one plain-text message at a time; callers send after their commit."""

    def __init__(self, settings: MailSettings, keys_dir: Path) -> None:
        self.settings = settings
        self.folder = settings.folder or Path(keys_dir).parent / "mail-outbox"

    def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = make_msgid(domain="registry.invalid")
        message.set_content(body)
        if self.settings.host is None:
            folder = self.folder
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{secrets.token_hex(8)}.eml"
            (folder / name).write_bytes(bytes(message))
            return
        with smtplib.SMTP(self.settings.host, self.settings.port, timeout=10) as smtp:
            if self.settings.starttls:
                smtp.starttls()
            if self.settings.user:
                smtp.login(self.settings.user, self.settings.password or "")
            smtp.send_message(message)
