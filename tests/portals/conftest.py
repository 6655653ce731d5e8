"""Portal tests: the whole app over https (the session cookie is Secure), people invited
by e-mail to a real SMTP server in process, signed in with a password (and TOTP where
their role needs a second factor), working through the pages as a person does."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from litestar.testing import TestClient

from tests.identity import conftest as people
from tests.identity.conftest import accept, csrf_of, link_for, sign_in
from tests.support.env import FakeClock
from tests.support.smtp import Inbox

# The people tests' fixtures: the app over https, its settings, the SMTP server and inbox.
smtp, inbox, settings, client = people.smtp, people.inbox, people.settings, people.client
SignInAs = Callable[..., None]


@pytest.fixture
def sign_in_as(client: TestClient[Any], inbox: Inbox, clock: FakeClock) -> SignInAs:
    """``sign_in_as(email, second_factor=False)``: that person's session on ``client``."""
    secrets: dict[str, str | None] = {}

    def run(email: str, *, second_factor: bool = False) -> None:
        as_person(client, inbox, email, clock, secrets, second_factor=second_factor)

    return run


def as_person(
    client: TestClient[Any],
    inbox: Inbox,
    email: str,
    clock: FakeClock,
    secrets: dict[str, str | None],
    *,
    second_factor: bool,
) -> None:
    """Sign ``email`` in on ``client``: the first time through their invitation (adding an
    authenticator app when ``second_factor``), later with password and TOTP code."""
    client.cookies.clear()
    if email not in secrets:
        accepted = accept(client, link_for(inbox, email))
        assert accepted.status_code == 303, accepted.text
        secrets[email] = None
        if second_factor:
            account = client.get("/account").text
            setup = client.post("/account/totp/begin", data={"csrf": csrf_of(account)})
            found = re.search(r'id="totp-secret">([A-Z2-7]+)<', setup.text)
            assert found, setup.text[:400]
            confirmed = client.post(
                "/account/totp",
                data={"csrf": csrf_of(account), "code": pyotp.TOTP(found[1]).at(clock.now)},
                follow_redirects=False,
            )
            assert confirmed.status_code == 303, confirmed.text
            secrets[email] = found[1]
        return
    signed = sign_in(client, email)
    assert signed.status_code == 303, signed.text
    secret = secrets[email]
    if signed.headers["location"].endswith("/totp"):
        assert secret is not None
        clock.advance(seconds=31)  # a code is accepted once: the next step's
        form = client.get("/account/sign-in/totp").text
        done = client.post(
            "/account/sign-in/totp",
            data={"csrf": csrf_of(form), "code": pyotp.TOTP(secret).at(clock.now)},
            follow_redirects=False,
        )
        assert done.status_code == 303, done.text
