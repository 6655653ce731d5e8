"""Tamper evidence: the log's tables refuse changes, and changes made anyway are reported.

Someone with the database's password can drop the append-only triggers and rewrite or
delete entries behind the application's back. That must not go unnoticed: `registry log
verify` (from the database) and `registry log monitor` (from outside, over HTTP) both
report it, naming the entry.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from registry.bootstrap import open_registry
from registry.cli import main
from registry.config import Settings
from registry.tlog import leaf_hash

LOG_TABLES = ("log_entry", "log_node", "log_checkpoint")


@pytest.fixture
def engine(settings: Settings) -> Iterator[sa.Engine]:
    """Raw access to the database; on PostgreSQL, the dropped triggers come back afterwards
    (the server's database is shared by the whole run)."""
    engine = sa.create_engine(settings.database_url)
    yield engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            for table in LOG_TABLES:
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
                connection.exec_driver_sql(
                    f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                    "FOR EACH ROW EXECUTE FUNCTION registry_append_only()"
                )
    engine.dispose()


@contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    """`registry serve` on a free port, in its own process; yields its base URL.

    Its caches are off: rows are rewritten behind the application's back here, which no
    committed change announces, and the monitor must see what the database now holds.
    """
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    process = subprocess.Popen(
        [sys.executable, "-m", "registry.cli", "serve", "--port", str(port), "--workers", "1"],
        env={**os.environ, **env, "REGISTRY_CACHE_SECONDS": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise AssertionError("registry serve did not answer /healthz") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def _snapshot(engine: sa.Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as connection:
        return {
            table: [
                tuple(row)
                for row in connection.exec_driver_sql(f"SELECT * FROM {table}").all()  # noqa: S608
            ]
            for table in LOG_TABLES
        }


def _drop_trigger(engine: sa.Engine, table: str, action: str) -> None:
    """Remove the append-only guard of ``table`` for ``action`` (update or delete)."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only_{action}")
        else:  # one trigger guards both on PostgreSQL
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")


def _run(sql: str, engine: sa.Engine, **params: object) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text(sql), params)


REFUSED = (
    "UPDATE log_entry SET data = :junk WHERE idx = 1",
    "DELETE FROM log_entry WHERE idx = (SELECT MAX(idx) FROM log_entry)",
    'UPDATE log_node SET hash = :junk WHERE level = 0 AND "index" = 1',
    "DELETE FROM log_node WHERE level = 0",
    "UPDATE log_checkpoint SET note = 'forged'",
    "DELETE FROM log_checkpoint",
)


def test_log_tampering_is_refused_then_reported(
    env: dict[str, str], settings: Settings, engine: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init"]) == 0
    service = open_registry(settings)
    for _ in range(3):
        service.transparency.rotate_keys()
    before = _snapshot(engine)
    size = len(before["log_entry"])
    assert size >= 6

    for statement in REFUSED:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            _run(statement, engine, junk=b"\x00" * 32)
    assert _snapshot(engine) == before
    capsys.readouterr()
    assert main(["log", "verify"]) == 0

    target = 3
    original = next(bytes(row[1]) for row in before["log_entry"] if row[0] == target)
    altered = original.replace(b'"v":1', b'"v":2')
    assert altered != original
    vkey = str(settings.keys_dir / "log.vkey")
    with serving(env) as url:
        capsys.readouterr()
        assert main(["log", "monitor", url, "--vkey", vkey]) == 0

        # An entry rewritten behind the application's back.
        _drop_trigger(engine, "log_entry", "update")
        _run("UPDATE log_entry SET data = :data WHERE idx = :idx", engine, data=altered, idx=target)
        assert main(["log", "verify"]) == 1
        assert f"entry {target} does not match the stored leaf hash" in capsys.readouterr().err
        assert main(["log", "monitor", url, "--vkey", vkey]) == 1
        assert f"entry {target} does not match the log" in capsys.readouterr().err

        # ... with its leaf hash rewritten to match: the tree above it no longer does.
        _drop_trigger(engine, "log_node", "update")
        _run(
            'UPDATE log_node SET hash = :hash WHERE level = 0 AND "index" = :idx',
            engine,
            hash=leaf_hash(altered),
            idx=target,
        )
        assert main(["log", "verify"]) == 1
        assert "the subtree hash at level 1, index 1 (entries 2 to 3) does not match" in (
            capsys.readouterr().err
        )
        assert main(["log", "monitor", url, "--vkey", vkey]) == 1
        assert "root mismatch" in capsys.readouterr().err

    _run("UPDATE log_entry SET data = :data WHERE idx = :idx", engine, data=original, idx=target)
    _run(
        'UPDATE log_node SET hash = :hash WHERE level = 0 AND "index" = :idx',
        engine,
        hash=leaf_hash(original),
        idx=target,
    )
    assert main(["log", "verify"]) == 0
    capsys.readouterr()

    # The last entry deleted: its stored leaf hash and the signed checkpoint still count it.
    _drop_trigger(engine, "log_entry", "delete")
    _run("DELETE FROM log_entry WHERE idx = :idx", engine, idx=size - 1)
    assert main(["log", "verify"]) == 1
    assert f"entry {size - 1} is missing" in capsys.readouterr().err

    # An entry deleted in the middle.
    _run("DELETE FROM log_entry WHERE idx = 1", engine)
    assert main(["log", "verify"]) == 1
    assert "gap: entry 1 is missing" in capsys.readouterr().err
