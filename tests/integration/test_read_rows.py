"""Each certificate's read row is written in the transaction of every change that alters
what a public read shows, whichever feature makes the change: after each kind of change
the stored row equals a view computed afresh from the certificate's rows, on both
databases. A change made by a plain write through the unit of work (as a feature that
knows nothing of read rows would make it) is caught as well."""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import msgspec
import pytest
from sqlalchemy import delete
from sqlmodel import Session, col, select

from registry.bootstrap import Services
from registry.certificates import queries, read_rows
from registry.cli import main
from registry.config import Settings
from registry.db.status_tables import StatusEntry
from registry.db.tables import Body, Certificate, CertificateRead, Organisation, Scheme
from registry.domain.reasons import Reason
from registry.domain.status import Transition
from registry.signing import parse_jwks
from registry.transparency import keys as key_store
from tests.support.dns_server import Zone, dns_server
from tests.support.people import own_token_of
from tests.support.world import World, bearer


@pytest.fixture
def dns() -> Iterator[tuple[Zone, str]]:
    with dns_server() as found:
        yield found


@pytest.fixture
def zone(dns: tuple[Zone, str]) -> Zone:
    return dns[0]


@pytest.fixture
def settings(settings: Settings, dns: tuple[Zone, str]) -> Settings:
    """Domain claims are checked against the DNS server of the test."""
    return dataclasses.replace(settings, dns_resolver=dns[1], domain_check_seconds=0)


def _rows(service: Services) -> dict[str, dict[str, Any]]:
    """Every stored read row, by code (the moment it was written left out)."""
    with service.uow.db.read() as session:
        return {
            row.code: {**row.model_dump(exclude={"written_at"}), "public": bytes(row.public)}
            for row in session.exec(select(CertificateRead))
        }


def _fresh(service: Services, session: Session) -> dict[str, dict[str, Any]]:
    """The read row of every certificate, computed now from its rows."""
    now = service.uow.clock()
    keys = parse_jwks(key_store.jwks(session))
    certificates = list(session.exec(select(Certificate).order_by(col(Certificate.id))))
    views = queries.certificates_public(session, certificates, now)
    found = {}
    for certificate, view in zip(certificates, views, strict=True):
        values = read_rows.row_values(certificate, view, keys, now)
        values.pop("written_at")
        found[certificate.code] = values
    return found


def assert_fresh(service: Services) -> dict[str, dict[str, Any]]:
    stored = _rows(service)
    with service.uow.db.read() as session:
        fresh = _fresh(service, session)
    assert set(stored) == set(fresh)
    for code, row in fresh.items():
        assert stored[code] == row, code
    return stored


def _shown(rows: dict[str, dict[str, Any]], code: str) -> dict[str, Any]:
    shown: dict[str, Any] = msgspec.json.decode(zlib.decompress(rows[code]["public"]))
    return shown


def test_the_read_row_follows_every_change(
    world: World, service: Services, staff_token: str, clock: Any, zone: Zone
) -> None:
    code = world.certify()
    rows = assert_fresh(service)
    assert _shown(rows, code)["status"] == "valid"
    assert '"passed"' in rows[code]["checked"]
    other = world.certify(
        organisation={
            "legal_name": "Banden B.V.",
            "country": "NL",
            "registration_number": "87654321",
        },
        domains=["banden.example"],
    )

    def post(path: str, token: str = world.admin, body: Any = None) -> None:
        answer = world.post(path, token, body if body is not None else {"reason": "a reason"})
        assert answer.status_code in (200, 201), answer.text

    post(f"/api/v1/certificates/{code}/suspend")
    assert _shown(assert_fresh(service), code)["status"] == "suspended"
    post(f"/api/v1/certificates/{code}/reinstate")
    assert _shown(assert_fresh(service), code)["status"] == "valid"

    clock.advance(days=180)
    world.today = clock.now.date()
    world.certify(type="surveillance", certificate=code)
    rows = assert_fresh(service)
    assert _shown(rows, code)["history"][-1]["type"] == "surveilled"
    clock.advance(days=170)
    world.today = clock.now.date()
    before = rows[code]["credential_sha256"]
    world.certify(type="recertification", certificate=code)
    rows = assert_fresh(service)
    assert rows[code]["credential_sha256"] != before  # renewed: a new credential

    holder = world.post(
        "/api/v1/organisations/NL/12345678/people",
        staff_token,
        {"name": "Henk Holder", "email": "henk@fietsen.example"},
    ).json()
    token = own_token_of(world.client)(holder["id"])
    # Credential reissued: the key that signed both is marked compromised (the status
    # says so at once), then every credential it signed is signed again.
    kid = _shown(rows, code)["credential_kid"]
    service.transparency.rotate_keys()
    assert_fresh(service)
    service.transparency.mark_compromised(kid, clock.now - timedelta(days=400))
    rows = assert_fresh(service)
    assert _shown(rows, code)["status"] == "signature_being_replaced"
    assert set(service.certificates.reissue_compromised(kid)) == {code, other}
    rows = assert_fresh(service)
    assert _shown(rows, code)["status"] == "valid"
    assert _shown(rows, code)["history"][-1]["type"] == "credential.reissued"

    # Writes that know nothing of read rows: a status bit, and names shown on the page.
    with service.uow.write() as session:
        entry = session.exec(select(StatusEntry)).first()
        assert entry is not None
        entry.suspended = not entry.suspended
    assert_fresh(service)
    renames = [
        (Organisation, "legal_name", "Fietsen Holland B.V.", ("holder", "legal_name")),
        (Body, "name", "Keurcontrole Nederland B.V.", ("body", "name")),
        (Scheme, "name_en", "Web Shop Trust Label", ("scheme", "name_en")),
    ]
    for table, column, name, (part, field) in renames:
        with service.uow.write() as session:
            row = session.exec(select(table)).first()
            assert row is not None
            setattr(row, column, name)
        rows = assert_fresh(service)
        assert name in {_shown(rows, c)[part][field] for c in (code, other)}

    post(
        "/api/v1/bodies/keurcontrole/accreditations",
        staff_token,
        {
            "accrediting_body": "Raad voor Accreditatie",
            "registration_number": "C 124",
            "valid_from": "2026-01-01",
            "valid_until": "2030-12-31",
            "schemes": ["webwinkel"],
        },
    )
    assert_fresh(service)

    post(f"/api/v1/certificates/{other}/withdraw")
    rows = assert_fresh(service)
    assert _shown(rows, other)["status"] == "withdrawn"

    # A domain claim: pending binds nothing, proof by DNS binds it, a lapsed
    # re-verification unbinds it, and the holder removes it.
    claimed = world.post(
        f"/api/v1/certificates/{code}/domains", token, {"domain": "shop-a.example"}
    ).json()
    rows = assert_fresh(service)
    assert "shop-a.example" not in {d["domain"] for d in _shown(rows, code)["domains"]}
    zone.txt["_keurmerk.shop-a.example"] = [claimed["instructions"]["dns_value"]]
    checked = world.post(
        f"/api/v1/certificates/{code}/domain-claims/shop-a.example/check", token, {}
    )
    assert checked.json()["state"] == "verified", checked.text
    rows = assert_fresh(service)
    assert "shop-a.example" in {d["domain"] for d in _shown(rows, code)["domains"]}
    del zone.txt["_keurmerk.shop-a.example"]
    clock.advance(days=90, seconds=1)
    world.today = clock.now.date()
    assert service.domains.run_due() == 1
    rows = assert_fresh(service)
    assert "shop-a.example" not in {d["domain"] for d in _shown(rows, code)["domains"]}
    removed = world.client.delete(
        f"/api/v1/certificates/{code}/domains/shop-a.example", headers=bearer(token)
    )
    assert removed.status_code == 204
    assert_fresh(service)


def test_a_read_applies_expiry_from_the_stored_instant(
    world: World, service: Services, clock: Any
) -> None:
    code = world.certify()
    stored = _rows(service)[code]
    assert _shown({code: stored}, code)["status"] == "valid"
    clock.advance(days=400)  # past validity, before any sweep wrote anything
    read = service.certificates.certificate_snapshot(code)
    assert _rows(service)[code] == stored  # nothing was written
    with service.uow.db.read() as session:
        fresh = _fresh(service, session)[code]
    assert read.public.status == "expired"
    assert read.json == zlib.decompress(fresh["public"]) and read.etag == fresh["etag"]
    assert world.client.get(f"/api/v1/certificates/{code}").json()["status"] == "expired"


def test_rows_are_rebuilt_for_certificates_without_one(world: World, service: Services) -> None:
    codes = {
        world.certify(),
        world.certify(
            organisation={
                "legal_name": "Wielen B.V.",
                "country": "NL",
                "registration_number": "11223344",
            }
        ),
    }
    with service.uow.write() as session:
        session.execute(delete(CertificateRead))  # as before migration 0012's rows
    assert _rows(service) == {}
    # Reads still answer (computed) while a row is missing.
    assert {service.certificates.certificate(c).code for c in codes} == codes
    assert service.certificates.fill_read_rows() == 2
    assert set(assert_fresh(service)) == codes
    assert service.certificates.fill_read_rows() == 0
    assert service.certificates.fill_read_rows(everything=True) == 2
    assert_fresh(service)


def test_a_transaction_that_fails_leaves_the_row_as_it_was(world: World, service: Services) -> None:
    code = world.certify()
    stored = _rows(service)[code]
    actor = service.identity.authenticate(world.admin)
    try:
        with service.uow.write() as session:
            certificate = session.exec(select(Certificate).where(Certificate.code == code)).one()
            certificate.status_reason = "never committed"
            service.uow.derive(session)
            raise RuntimeError("the change fails after its row was written")
    except RuntimeError:
        pass
    assert _rows(service)[code] == stored
    service.certificates.change_status(actor, code, Transition.SUSPEND, Reason(nl="gecontroleerd"))
    assert _shown(assert_fresh(service), code)["status"] == "suspended"


def test_registry_reads_rebuild_rewrites_every_row(
    world: World, service: Services, env: dict[str, str], capsys: Any
) -> None:
    code = world.certify()
    with service.uow.write() as session:
        session.execute(delete(CertificateRead))
    assert main(["reads", "rebuild"]) == 0
    assert "rewrote the read rows of 1 certificate(s)" in capsys.readouterr().out
    assert set(assert_fresh(service)) == {code}
