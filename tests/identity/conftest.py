"""People and sign-in tests: the whole app over https (the session cookie is Secure),
with a real SMTP server in process receiving the invitations."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from registry.app import create_app
from registry.bootstrap import Services
from registry.config import MailSettings, Settings
from tests.support.env import TEST_KDF_ROUNDS, FakeClock
from tests.support.smtp import Inbox, smtp_server

PUBLIC_URL = "https://registry.test"
LINK = re.compile(r"https://registry\.test(/account/invitation/[A-Za-z0-9_-]+)")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
PASSWORD = "a long enough passphrase"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as running:
        yield running


@pytest.fixture
def inbox(smtp: tuple[Inbox, int]) -> Inbox:
    return smtp[0]


@pytest.fixture
def settings(database_url: str, tmp_path: Path, smtp: tuple[Inbox, int]) -> Settings:
    return Settings(
        database_url=database_url,
        keys_dir=tmp_path / "keys",
        public_url=PUBLIC_URL,
        key_passphrase="correct horse battery staple",
        key_kdf_rounds=TEST_KDF_ROUNDS,
        mail=MailSettings(host="127.0.0.1", port=smtp[1], sender="registry@registry.test"),
    )


@pytest.fixture
def client(settings: Settings, clock: FakeClock, service: Services) -> Iterator[TestClient[Any]]:
    app = create_app(settings, clock=clock, keyring=service.uow.keyring)
    with TestClient(app, base_url=PUBLIC_URL) as test_client:
        yield test_client


def link_for(inbox: Inbox, address: str) -> str:
    """The path of the newest invitation link mailed to ``address``."""
    for message in reversed(inbox.messages):
        if message["To"].lower() == address.lower():
            body = message.get_payload(decode=True)
            assert isinstance(body, bytes)
            found = LINK.search(body.decode())
            assert found, body
            return found[1]
    raise AssertionError(f"no mail to {address}: {[m['To'] for m in inbox.messages]}")


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, html[:500]
    return found[1]


def accept(client: TestClient[Any], path: str, password: str = PASSWORD) -> Any:
    """Open an invitation link and set a password, as a person does."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    return client.post(
        path,
        data={"csrf": csrf_of(page.text), "password": password, "password2": password},
        follow_redirects=False,
    )


def sign_in(client: TestClient[Any], email: str, password: str = PASSWORD) -> Any:
    page = client.get("/account")
    return client.post(
        "/account/sign-in",
        data={"csrf": csrf_of(page.text), "email": email, "password": password},
        follow_redirects=False,
    )
