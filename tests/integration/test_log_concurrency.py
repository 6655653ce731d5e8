"""Two `registry serve` processes on one database write the log together, and it holds.

Many concurrent writes (status changes on several certificates, new certifications),
split across both servers, while a poller records every checkpoint either server shows.
Afterwards the log has leaves 0..n-1 with no gap or duplicate, exactly one entry per
event, and every checkpoint seen is signed and consistent with the last one. PostgreSQL
is the production case; SQLite (one file, two processes) runs a smaller load.

Racing writes on one object (the same suspension, the same decision, sent to both servers
at once) must be decided once: one success, one entry, the others refused.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from registry.bootstrap import initialise
from registry.config import Settings
from registry.tlog import (
    Checkpoint,
    Hash,
    NoteVerifier,
    leaf_hash,
    open_note,
    parse_verifier_key,
    root_from_leaves,
    verify_consistency,
)
from tests.support.env import PG_SERVER, TEST_KDF_ROUNDS
from tests.support.people import own_token_via
from tests.support.serving import serving
from tests.support.world import World, bearer, build_world

RUN_TIMEOUT = 25.0  # the concurrent phase; normally a few seconds


@pytest.fixture
def servers(settings: Settings, tmp_path: Path) -> Iterator[list[str]]:
    with serving(settings, tmp_path) as urls:
        yield urls


def _shop(n: int) -> dict[str, Any]:
    return {
        "organisation": {"legal_name": f"Winkel {n} B.V.", "registration_number": f"{n:08d}"},
        "domains": [f"winkel{n}.example"],
    }


class Poller(threading.Thread):
    """Fetches /log/checkpoint from every server in turn until stopped; keeps all it saw."""

    def __init__(self, urls: list[str]) -> None:
        super().__init__(daemon=True)
        self.urls = urls
        self.seen: list[tuple[int, bytes]] = []  # (server number, checkpoint note)
        self.errors: list[str] = []
        self.stop = threading.Event()

    def run(self) -> None:
        clients = [httpx.Client(base_url=url, timeout=10) for url in self.urls]
        deadline = time.monotonic() + RUN_TIMEOUT + 10
        try:
            for n in itertools.cycle(range(len(clients))):
                if self.stop.is_set() or time.monotonic() > deadline:
                    return
                response = clients[n].get("/log/checkpoint")
                if response.status_code == 200:
                    self.seen.append((n, response.content))
                else:
                    self.errors.append(f"server {n}: {response.status_code} {response.text}")
                time.sleep(0.005)
        finally:
            for client in clients:
                client.close()


def _entries(client: httpx.Client, size: int) -> list[bytes]:
    out: list[bytes] = []
    while len(out) < size:
        response = client.get(
            "/api/v1/log/entries", params={"start": len(out), "end": min(size, len(out) + 1000)}
        )
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert items, "the entries endpoint returned no items before the signed size"
        for offset, item in enumerate(items):
            assert item["index"] == len(out) + offset
        out.extend(item["entry"].encode() for item in items)
    return out


def _size(client: httpx.Client) -> int:
    """The size of the latest signed checkpoint (its signature is checked elsewhere)."""
    return int(client.get("/log/checkpoint").text.split("\n")[1])


def _opened(note: bytes, key: NoteVerifier) -> Checkpoint:
    return Checkpoint.parse(open_note(note, [key]).text)


def test_two_servers_write_one_log_without_gaps_or_forks(
    servers: list[str], settings: Settings, database_url: str
) -> None:
    postgres = database_url.startswith("postgresql")
    chains, changes_per_chain, new_certificates = (4, 12, 4) if postgres else (2, 8, 2)

    staff = initialise(settings).identity.create_staff_token("Sam Staff").token
    clients = [httpx.Client(base_url=url, timeout=30) for url in servers]
    try:
        world = build_world(clients[0], staff, own_token_via(initialise(settings)))  # type: ignore[arg-type]
        world.today = date.today()
        codes = [world.certify(**_shop(10_000_001 + n)) for n in range(chains)]
        key = parse_verifier_key(clients[1].get("/log/vkey").text.strip())
        setup_size = _opened(clients[1].get("/log/checkpoint").content, key).size

        def chain(n: int) -> list[int]:
            """Alternate suspend and reinstate on one certificate, alternating servers."""
            statuses = []
            with (
                httpx.Client(base_url=servers[0], timeout=30) as a,
                httpx.Client(base_url=servers[1], timeout=30) as b,
            ):
                for step in range(changes_per_chain):
                    action = "suspend" if step % 2 == 0 else "reinstate"
                    response = (a, b)[(n + step) % 2].post(
                        f"/api/v1/certificates/{codes[n]}/{action}",
                        json={"reason": f"{action} number {step}"},
                        headers=bearer(world.admin if step % 3 else world.admin2),
                    )
                    statuses.append(response.status_code)
            return statuses

        def certify(n: int) -> str:
            """Submit on one server, decide on the other."""
            with (
                httpx.Client(base_url=servers[n % 2], timeout=30) as a,
                httpx.Client(base_url=servers[(n + 1) % 2], timeout=30) as b,
            ):
                other = World(client=a, staff=staff, admin=world.admin, auditor=world.auditor)  # type: ignore[arg-type]
                other.today = world.today
                submitted = other.post(
                    "/api/v1/assessments", world.auditor, other.assessment(**_shop(20_000_001 + n))
                )
                assert submitted.status_code == 201, submitted.text
                decided = b.post(
                    f"/api/v1/assessments/{submitted.json()['id']}/decision",
                    json={"outcome": "certify"},
                    headers=bearer(world.admin),
                )
                assert decided.status_code == 201, decided.text
                code: str = decided.json()["certificate"]
                return code

        poller = Poller(servers)
        poller.start()
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=chains + new_certificates) as pool:
            chain_results = [pool.submit(chain, n) for n in range(chains)]
            certify_results = [pool.submit(certify, n) for n in range(new_certificates)]
            statuses = [f.result(timeout=RUN_TIMEOUT) for f in chain_results]
            new_codes = [f.result(timeout=RUN_TIMEOUT) for f in certify_results]
        time.sleep(0.2)  # let the poller see the last checkpoint from both servers
        poller.stop.set()
        poller.join(timeout=15)
        assert time.monotonic() - started < RUN_TIMEOUT
        assert statuses == [[200] * changes_per_chain] * chains
        assert len(set(new_codes)) == new_certificates
        assert not poller.errors, poller.errors[:5]

        # Leaves 0..n-1, one per event, all under the final signed checkpoint.
        final = _opened(clients[0].get("/log/checkpoint").content, key)
        assert final == _opened(clients[1].get("/log/checkpoint").content, key)
        expected = setup_size + chains * changes_per_chain + new_certificates
        assert final.size == expected
        log = _entries(clients[1], final.size)
        assert len(log) == final.size
        assert root_from_leaves([leaf_hash(e) for e in log]) == final.root_hash
        documents = [json.loads(e) for e in log]
        types = [d["type"] for d in documents]
        assert sorted(types[setup_size:]) == sorted(
            ["certificate.suspended", "certificate.reinstated"] * (chains * changes_per_chain // 2)
            + ["certificate.issued"] * new_certificates
        )

        engine = sa.create_engine(database_url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(
                    sa.text(
                        "SELECT e.log_index, e.type, c.code FROM certificate_event e"
                        " JOIN certificate c ON c.id = e.certificate_id"
                        " WHERE e.log_index IS NOT NULL"
                    )
                ).all()
                stored = connection.execute(sa.text("SELECT idx FROM log_entry ORDER BY idx")).all()
        finally:
            engine.dispose()
        assert [r[0] for r in stored] == list(range(final.size))
        indexes = [r[0] for r in rows]
        assert len(indexes) == len(set(indexes)), "two history rows share one log entry"
        certificate_entries = [i for i, t in enumerate(types) if t.startswith("certificate.")]
        assert sorted(indexes) == certificate_entries
        for index, kind, code in rows:
            assert (documents[index]["type"], documents[index]["data"]["code"]) == (
                f"certificate.{kind}",
                code,
            )
        registry_wide = [t for t in types if not t.startswith("certificate.")]
        assert len(registry_wide) + len(rows) == final.size
        assert sorted(registry_wide) == [
            "body.accredited",
            "key.added",
            "key.added",
            "scheme.published",
        ]
        for code in codes:
            history = [
                h["type"] for h in clients[0].get(f"/api/v1/certificates/{code}").json()["history"]
            ]
            assert history == ["issued"] + ["suspended", "reinstated"] * (changes_per_chain // 2)

        # Every checkpoint seen was signed, never went back, and the final one extends it.
        assert len(poller.seen) >= 10
        last_size = {0: 0, 1: 0}
        roots: dict[int, Hash] = {}
        for server, note in poller.seen:
            head = _opened(note, key)
            assert head.origin == final.origin
            assert head.size >= last_size[server], f"server {server} went back to {head.size}"
            last_size[server] = head.size
            assert roots.setdefault(head.size, head.root_hash) == head.root_hash
        for size, root_hash in sorted(roots.items()):
            proof = clients[size % 2].get(
                "/api/v1/log/proof/consistency", params={"first": size, "second": final.size}
            )
            assert proof.status_code == 200, proof.text
            hashes = [Hash(base64.b64decode(h)) for h in proof.json()["hashes"]]
            verify_consistency(size, final.size, root_hash, final.root_hash, hashes)
        assert max(roots) == final.size
        assert len(roots) > 1, "the poller saw only one checkpoint: the run was not concurrent"
    finally:
        for client in clients:
            client.close()


# --- racing writes on one object -------------------------------------------------------

LOST_UPDATE = (
    "on PostgreSQL a status change reads the certificate with a plain SELECT under READ "
    "COMMITTED and takes the log's advisory lock only in journal.append, after the "
    "transition was checked; concurrent suspensions of one valid certificate all pass "
    "apply_transition, the blocked UPDATE then proceeds after the first commit, and each "
    "appends its own certificate.suspended entry (the certificate row is not locked FOR "
    "UPDATE, nor the writer slot taken before the state is read)"
)
DECISION_RACE = (
    "on PostgreSQL concurrent decisions on one assessment all find it undecided; the losers "
    "fail on the unique constraint decision_assessment_id_key, an IntegrityError that the "
    "API answers with a 500 instead of the 409 a sequential second decision gets"
)


def _racing(servers: list[str], racers: int, send: Any) -> list[Any]:
    """``send(client, n)`` from ``racers`` threads at once, alternating servers."""
    barrier = threading.Barrier(racers)

    def run(n: int) -> Any:
        with httpx.Client(base_url=servers[n % 2], timeout=30) as client:
            barrier.wait(timeout=10)
            return send(client, n)

    with ThreadPoolExecutor(max_workers=racers) as pool:
        return list(pool.map(run, range(racers)))


@pytest.fixture(scope="module")
def race_servers(
    pg_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[list[str], World]]:
    """Two servers on a PostgreSQL database of their own, shared by the racing tests."""
    name = f"{pg_database.rsplit('/', 1)[1]}_race"
    admin = sa.create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    folder = tmp_path_factory.mktemp("race")
    settings = Settings(
        database_url=f"{PG_SERVER}/{name}",
        keys_dir=folder / "keys",
        public_url="https://registry.test",
        key_passphrase="correct horse battery staple",
        key_kdf_rounds=TEST_KDF_ROUNDS,
    )
    try:
        with serving(settings, folder) as urls:
            staff = initialise(settings).identity.create_staff_token("Sam Staff").token
            with httpx.Client(base_url=urls[0], timeout=30) as client:
                world = build_world(client, staff, own_token_via(initialise(settings)))  # type: ignore[arg-type]
                world.today = date.today()
                yield urls, world
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.mark.postgres
def test_racing_suspensions_of_one_certificate_log_one_event(
    race_servers: tuple[list[str], World],
) -> None:
    servers, world = race_servers
    client = world.client
    code = world.certify(**_shop(30_000_001))
    size = _size(client)
    statuses = _racing(
        servers,
        8,
        lambda c, n: (
            c.post(
                f"/api/v1/certificates/{code}/suspend",
                json={"reason": f"racer {n}"},
                headers=bearer(world.admin),
            ).status_code
        ),
    )
    log = _entries(client, _size(client))
    history = [h["type"] for h in client.get(f"/api/v1/certificates/{code}").json()["history"]]
    assert [json.loads(e)["type"] for e in log[size:]] == ["certificate.suspended"]
    assert history == ["issued", "suspended"]
    assert sorted(statuses) == [200] + [409] * 7


def _certify(path: str, world: World, client: httpx.Client, racer: int) -> int:
    admin = (world.admin, world.admin2)[racer % 2]
    return client.post(path, json={"outcome": "certify"}, headers=bearer(admin)).status_code


@pytest.mark.postgres
def test_racing_decisions_on_one_assessment_issue_one_certificate(
    race_servers: tuple[list[str], World],
) -> None:
    servers, world = race_servers
    client = world.client
    rounds = []
    for n in range(30_000_002, 30_000_005):  # a few rounds: a race is not won the same way twice
        submitted = world.post("/api/v1/assessments", world.auditor, world.assessment(**_shop(n)))
        assert submitted.status_code == 201, submitted.text
        size = _size(client)
        path = f"/api/v1/assessments/{submitted.json()['id']}/decision"
        statuses = _racing(servers, 8, partial(_certify, path, world))
        log = _entries(client, _size(client))
        holders = client.get("/api/v1/certificates", params={"organisation": f"{n:08d}"})
        assert [json.loads(e)["type"] for e in log[size:]] == ["certificate.issued"]
        assert len(holders.json()["items"]) == 1
        rounds.append(sorted(statuses))
    assert rounds == [[201] + [409] * 7] * 3
