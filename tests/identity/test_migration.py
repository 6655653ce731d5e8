"""Migration 0006: every person row becomes a person with one membership, keeping its
pseudonymous id and its tokens; no address until an invitation is accepted."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from registry.bootstrap import initialise
from registry.config import Settings
from registry.db.migrate import upgrade
from registry.identity.auth import hash_token
from registry.identity.signin import SignIn
from tests.support.env import TEST_KDF_ROUNDS, FakeClock
from tests.support.pg import scratch_database

ROWS = [  # pseudonym, party type, role, body, token
    ("p-staff", "registry", "staff", None, "tlr_staff-token-of-before"),
    ("p-admin", "body", "body_admin", 1, "tlr_admin-token-of-before"),
    ("p-auditor", "body", "auditor", 1, "tlr_auditor-token-of-before"),
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    with scratch_database("registry_migration", migrate=False) as url:
        yield url


def test_people_rows_become_persons_with_one_membership(empty_url: str, tmp_path: Path) -> None:
    upgrade(empty_url, "0005")
    engine = sa.create_engine(empty_url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO body (id, slug, name, country, website, created_at) "
                "VALUES (1, 'keurcontrole', 'Keurcontrole B.V.', 'NL', 'https://k.example', :t)"
            ),
            {"t": "2026-01-01 00:00:00"},
        )
        for n, (pseudonym, party, role, body, token) in enumerate(ROWS, start=1):
            connection.execute(
                sa.text(
                    "INSERT INTO person (id, pseudonym, name, party_type, role, body_id, created_at) "
                    "VALUES (:i, :p, :n, :party, :r, :b, :t)"
                ),
                {
                    "i": n,
                    "p": pseudonym,
                    "n": f"Name {n}",
                    "party": party,
                    "r": role,
                    "b": body,
                    "t": "2026-01-02 00:00:00",
                },
            )
            connection.execute(
                sa.text(
                    "INSERT INTO api_token (id, person_id, role, token_hash, label, created_at) "
                    "VALUES (:i, :i, :r, :h, 'old', :t)"
                ),
                {"i": n, "r": role, "h": hash_token(token), "t": "2026-01-03 00:00:00"},
            )
        connection.execute(
            sa.text(
                "INSERT INTO write_record (person_id, token_id, role, action, at) "
                "VALUES (2, 2, 'body_admin', 'add_person', :t)"
            ),
            {"t": "2026-01-04 00:00:00"},
        )
        before = connection.execute(sa.text("SELECT * FROM write_record")).all()

    upgrade(empty_url)
    with engine.connect() as connection:
        people = connection.execute(
            sa.text("SELECT pseudonym, email, email_key FROM person ORDER BY id")
        ).all()
        held = connection.execute(
            sa.text(
                "SELECT p.pseudonym, m.role, m.party_type, m.body_id, m.status, m.granted_by_id "
                "FROM membership m JOIN person p ON p.id = m.person_id ORDER BY m.id"
            )
        ).all()
        tokens = connection.execute(
            sa.text(
                "SELECT t.id, t.created_by_id, m.person_id FROM api_token t "
                "JOIN membership m ON m.id = t.membership_id ORDER BY t.id"
            )
        ).all()
        after = connection.execute(sa.text("SELECT * FROM write_record")).all()
    engine.dispose()
    assert [p[0] for p in people] == [r[0] for r in ROWS]
    assert all(email is None and key is None for _, email, key in people)
    assert held == [(p, role, party, body, "active", None) for p, party, role, body, _ in ROWS]
    assert tokens == [(1, None, 1), (2, None, 2), (3, None, 3)]
    assert after == before

    # The old tokens still work, through their membership.
    clock = FakeClock()
    settings = Settings(
        database_url=empty_url,
        keys_dir=tmp_path / "keys",
        public_url="https://registry.test",
        key_passphrase="correct horse battery staple",
        key_kdf_rounds=TEST_KDF_ROUNDS,
    )
    service = initialise(settings, clock)
    admin = service.identity.authenticate("tlr_admin-token-of-before")
    assert (admin.pseudonym, admin.role.value, admin.body_id) == ("p-admin", "body_admin", 1)

    # The body's admin invites the migrated auditor; the address counts once accepted.
    service.identity.accounts.invite_existing(admin, "p-auditor", "Auditor@Keurcontrole.example")
    assert (
        service.identity.accounts.me(
            service.identity.authenticate("tlr_auditor-token-of-before")
        ).email
        is None
    )
    mail = email.message_from_bytes(next((tmp_path / "mail-outbox").glob("*.eml")).read_bytes())
    body = mail.get_payload(decode=True)
    assert isinstance(body, bytes) and mail["To"] == "Auditor@Keurcontrole.example"
    token = re.search(r"/account/invitation/([A-Za-z0-9_-]+)", body.decode())
    assert token
    signin = SignIn(service.uow)
    visit = signin.visit(None)
    signin.accept_invitation(
        visit.cookie, visit.csrf, token[1], "a long enough passphrase", "a long enough passphrase"
    )
    auditor = service.identity.accounts.me(
        service.identity.authenticate("tlr_auditor-token-of-before")
    )
    assert (auditor.id, auditor.email) == ("p-auditor", "Auditor@Keurcontrole.example")
    service.uow.db.dispose()
