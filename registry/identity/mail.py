"""Outgoing e-mail: SMTP when configured, otherwise files in a folder.

``REGISTRY_SMTP_HOST`` (with ``REGISTRY_SMTP_PORT``, ``REGISTRY_SMTP_USER``,
``REGISTRY_SMTP_PASSWORD``, ``REGISTRY_SMTP_STARTTLS`` and ``REGISTRY_MAIL_FROM``) sends
through a mail server; without a host every message is written as an ``.eml`` file to
``REGISTRY_MAIL_DIR`` (by default ``mail-outbox`` beside the keys folder, so
``./mail-outbox`` for ``./keys``), so a new installation can read its
invitation links without a mail server.
"""

from __future__ import annotations

import os
import secrets
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path


@dataclass(frozen=True)
class MailSettings:
    host: str | None = None
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False
    sender: str = "registry@localhost"
    folder: Path | None = None  # None: ``mail-outbox`` beside the keys folder

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> MailSettings:
        env = os.environ if env is None else env
        port = env.get("REGISTRY_SMTP_PORT") or "25"
        if not port.isdigit():
            raise ValueError(f"REGISTRY_SMTP_PORT must be a port number, got {port!r}")
        return cls(
            host=env.get("REGISTRY_SMTP_HOST") or None,
            port=int(port),
            user=env.get("REGISTRY_SMTP_USER") or None,
            password=env.get("REGISTRY_SMTP_PASSWORD") or None,
            starttls=(env.get("REGISTRY_SMTP_STARTTLS") or "").lower()
            in ("1", "true", "yes", "on"),
            sender=env.get("REGISTRY_MAIL_FROM") or cls.sender,
            folder=Path(env["REGISTRY_MAIL_DIR"]) if env.get("REGISTRY_MAIL_DIR") else None,
        )


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
