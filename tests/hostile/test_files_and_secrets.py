"""Files and secrets: owner-only database and keys, refusals at start that say what is
wrong and write nothing, and the private keys in no log line, answer or database row."""

from __future__ import annotations

import base64
import dataclasses
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.serialization import load_ssh_private_key
from litestar.testing import TestClient

from registry.app import create_app
from registry.bootstrap import initialise
from registry.config import Settings
from registry.errors import RegistryError
from registry.signing import KeyFileError
from registry.transparency.keys import resolve_passphrase
from registry.webhooks.delivery import TargetPolicy
from tests.support.env import FakeClock
from tests.support.world import World, bearer


def startup_error(app: Any) -> BaseException:
    """The error that stopped ``app`` at start, out of the task group that carried it."""
    with pytest.raises(BaseException) as caught, TestClient(app):
        pass
    error: BaseException = caught.value
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    return error


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_sqlite_file_wal_and_keys_folder_are_owner_only(tmp_path: Path, clock: FakeClock) -> None:
    old = os.umask(0o022)  # the usual umask, which would make 0644 files
    try:
        settings = Settings(
            database_url=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
            keys_dir=tmp_path / "keys",
            key_passphrase="p" * 20,
            key_kdf_rounds=1,
        )
        service = initialise(settings, clock)
        service.identity.create_staff_token("Sam")  # a write, so the WAL exists
        database = tmp_path / "fresh.sqlite3"
        assert mode(database) == 0o600
        for companion in ("fresh.sqlite3-wal", "fresh.sqlite3-shm"):
            if (tmp_path / companion).exists():
                assert mode(tmp_path / companion) == 0o600, companion
        assert mode(tmp_path / "keys") == 0o700
        for key in (tmp_path / "keys").glob("*.key"):
            assert mode(key) == 0o600
        service.uow.db.dispose()
        os.chmod(database, 0o644)  # a copy made world-readable is closed again at start
        initialise(settings, clock).uow.db.dispose()
        assert mode(database) == 0o600
    finally:
        os.umask(old)


def test_a_key_file_readable_by_others_stops_the_server_at_start(
    settings: Settings, clock: FakeClock
) -> None:
    initialise(settings, clock)
    key = next(Path(settings.keys_dir).glob("credential-*.key"))
    os.chmod(key, 0o644)
    error = startup_error(create_app(settings, clock=clock))
    assert isinstance(error, KeyFileError) and "mode 0644" in str(error), error
    assert "chmod 600" in str(error)


def test_a_wrong_passphrase_is_named_and_nothing_is_written(
    settings: Settings, clock: FakeClock
) -> None:
    initialise(settings, clock).uow.db.dispose()
    before = sorted(p.name for p in Path(settings.keys_dir).iterdir())
    wrong = dataclasses.replace(settings, key_passphrase="not the passphrase")
    error = startup_error(create_app(wrong, clock=clock))
    assert isinstance(error, KeyFileError) and "wrong passphrase" in str(error), error
    assert sorted(p.name for p in Path(settings.keys_dir).iterdir()) == before


def test_a_missing_passphrase_with_existing_keys_is_named_and_nothing_is_written(
    settings: Settings, clock: FakeClock
) -> None:
    initialise(settings, clock).uow.db.dispose()
    before = sorted(p.name for p in Path(settings.keys_dir).iterdir())
    missing = dataclasses.replace(settings, key_passphrase=None, key_passphrase_file=None)
    with pytest.raises(RegistryError, match="no key passphrase is set"):
        resolve_passphrase(missing)
    with pytest.raises(RegistryError, match="REGISTRY_KEY_PASSPHRASE"):
        create_app(missing, clock=clock)
    assert sorted(p.name for p in Path(settings.keys_dir).iterdir()) == before
    assert not (Path(settings.keys_dir) / "passphrase").exists()


def private_key_forms(settings: Settings) -> list[bytes]:
    """Every private key of the registry in each way it could be written down."""
    forms: list[bytes] = []
    for path in Path(settings.keys_dir).glob("*.key"):
        key = load_ssh_private_key(path.read_bytes(), (settings.key_passphrase or "").encode())
        raw = key.private_bytes_raw()  # type: ignore[union-attr]
        forms += [
            raw,
            raw.hex().encode(),
            base64.b64encode(raw).rstrip(b"="),
            base64.urlsafe_b64encode(raw).rstrip(b"="),
        ]
    assert len(forms) >= 8  # the log key and the credential key
    return forms


def database_bytes(settings: Settings) -> bytes:
    """Every row of every table, as text."""
    engine = sa.create_engine(settings.database_url)
    found: list[str] = []
    with engine.connect() as connection:
        for table in sa.inspect(engine).get_table_names():
            for row in connection.execute(sa.text(f'SELECT * FROM "{table}"')):  # noqa: S608
                for value in row:
                    found.append(value.hex() if isinstance(value, bytes) else str(value))
                    if isinstance(value, bytes):
                        found.append(base64.b64encode(value).decode())
    engine.dispose()
    return "\n".join(found).encode()


class Records(logging.Handler):
    """Every record logged while it is attached (the suite runs without pytest's own
    log capture, ``-p no:logging``)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records() -> Iterator[Records]:
    root = logging.getLogger()
    handler, level = Records(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def test_the_private_keys_are_in_no_log_answer_or_row(
    world: World, settings: Settings, records: Records
) -> None:
    answers: list[bytes] = []
    code = world.certify()
    for path in (
        f"/api/v1/certificates/{code}",
        f"/api/v1/certificates/{code}/credential",
        f"/api/v1/certificates/{code}/proof",
        "/.well-known/jwks.json",
        "/log/checkpoint",
        "/log/vkey",
        f"/c/{code}",
        "/api/v1/me",
        "/api/v1/nothing",
    ):
        answers.append(world.client.get(path, headers=bearer(world.admin)).content)
    answers.append(
        world.post(f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "x"}).content
    )
    answers.append(world.post("/api/v1/assessments", world.auditor, {"bad": True}).content)
    formatter = logging.Formatter()
    logged = "\n".join(
        f"{r.getMessage()} {formatter.formatException(r.exc_info) if r.exc_info else ''}"
        for r in records.records
    ).encode()
    assert logged, "nothing was logged: the check would prove nothing"
    stored = database_bytes(settings)
    for form in private_key_forms(settings):
        assert form not in logged
        assert form not in stored
        assert all(form not in answer for answer in answers)


def test_webhooks_go_to_ports_443_and_8443_unless_configured() -> None:
    def resolve(_host: str, _port: int) -> list[str]:
        return ["93.184.215.14"]

    policy = TargetPolicy(resolve=resolve)
    assert policy.check("https://hooks.example/in") == "https://hooks.example/in"
    assert policy.check("https://hooks.example:8443/in")
    for port in (22, 25, 6379, 8080, 9200):
        with pytest.raises(RegistryError, match=f"port 443 or 8443.*not {port}"):
            policy.check(f"https://hooks.example:{port}/in")
    assert TargetPolicy(resolve=resolve, ports=frozenset({9443})).check(
        "https://hooks.example:9443/"
    )
    env = {"REGISTRY_WEBHOOK_PORTS": "443,9443"}
    assert Settings.from_env(env).webhook_ports == (443, 9443)
    with pytest.raises(RegistryError):
        Settings.from_env({"REGISTRY_WEBHOOK_PORTS": "443,70000"})


def test_hsts_only_when_the_public_url_is_https(
    settings: Settings, clock: FakeClock, client: TestClient[Any]
) -> None:
    assert settings.public_url.startswith("https://")
    for path in ("/healthz", "/", "/api/v1/nothing"):
        header = client.get(path).headers.get("strict-transport-security", "")
        assert "max-age=63072000" in header, path
    plain = dataclasses.replace(settings, public_url="http://127.0.0.1:8000")
    with TestClient(create_app(plain, clock=clock)) as other:
        assert "strict-transport-security" not in other.get("/healthz").headers
