"""Key compromise as a procedure: mark, see "signature being replaced", reissue, all pass.

The certificate stays what the audit made it; its credential is what failed. Until
``registry keys reissue`` signs it again with the active key, the page headline, the
badge and the API say so instead of "valid", and afterwards every check passes.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import jwt
import pytest

from registry.bootstrap import Services
from registry.certificates.verification import check_certificate
from registry.cli import main
from registry.search import service as search_service
from registry.signing import parse_jwks, stored_kid, verify_credential
from tests.support.env import FakeClock
from tests.support.world import World


def _kid(world: World, code: str) -> str:
    token = world.client.get(f"/api/v1/certificates/{code}/credential").text
    return str(jwt.get_unverified_header(token)["kid"])


def _status_index(world: World, code: str) -> list[Any]:
    token = world.client.get(f"/api/v1/certificates/{code}/credential").text
    claims = jwt.decode(token, options={"verify_signature": False})
    return [claims["id"], claims["validFrom"], claims["validUntil"], claims["credentialStatus"]]


def _every_signature(service: Services, world: World, codes: list[str]) -> set[str]:
    """The key ids of everything the registry serves signed: credentials and lists."""
    kids = {_kid(world, code) for code in codes}
    for number in (1,):
        for purpose in ("revocation", "suspension"):
            kids.add(stored_kid(service.certificates.status_list(number, purpose)) or "")
    return kids


def test_compromised_key_procedure_end_to_end(
    world: World,
    service: Services,
    clock: FakeClock,
    env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    early = world.certify()
    clock.advance(days=2)
    late = world.certify(
        organisation={"legal_name": "Laat B.V.", "registration_number": "11112222"}
    )
    suspended = world.certify(
        organisation={"legal_name": "Stil B.V.", "registration_number": "33334444"},
        domains=["stil.example"],
    )
    world.post(f"/api/v1/certificates/{suspended}/suspend", world.admin, {"reason": "audit"})
    kid = _kid(world, late)
    before = _status_index(world, late)

    # Reissuing while the key is still the active one would sign with it again: refused.
    assert main(["keys", "reissue", f"--kid={kid}"]) == 1
    assert "still the active credential key" in capsys.readouterr().err

    since = clock.now - timedelta(days=1)  # after `early` was signed, before `late`
    assert (
        main(
            ["keys", "compromised", f"--kid={kid}", "--since", since.strftime("%Y-%m-%dT%H:%M:%SZ")]
        )
        == 0
    )
    capsys.readouterr()

    # API: the certificate's document says what failed, and never "valid".
    document = world.client.get(f"/api/v1/certificates/{late}").json()
    assert (document["status"], document["signature"]) == (
        "signature_being_replaced",
        "being_replaced",
    )
    untouched = world.client.get(f"/api/v1/certificates/{early}").json()
    assert (untouched["status"], untouched["signature"]) == ("valid", "current")
    paused = world.client.get(f"/api/v1/certificates/{suspended}").json()
    assert (paused["status"], paused["signature"]) == ("suspended", "being_replaced")
    listed = world.client.get("/api/v1/certificates?status=valid").json()["items"]
    assert [c["code"] for c in listed] == [early]
    listed = world.client.get("/api/v1/certificates?status=signature_being_replaced").json()
    assert [c["code"] for c in listed["items"]] == [late]
    # Page headline, in both languages, and the badge.
    page = world.client.get(f"/c/{late}?lang=en").text
    assert '<span class="status-word">Signature being replaced</span>' in page
    assert '<span class="status-word">Valid</span>' not in page
    dutch = world.client.get(f"/c/{late}").text
    assert '<span class="status-word">Handtekening wordt vervangen</span>' in dutch
    badge = world.client.get(f"/badge/{late}.svg?lang=en").text
    assert 'data-state="signature_being_replaced"' in badge and ">Valid<" not in badge
    assert 'data-state="valid"' in world.client.get(f"/badge/{early}.svg").text
    # Search (by code's holder and by domain) and the open-data export say the same.
    found = world.client.get("/api/v1/export/certificates.jsonl").text.splitlines()
    exported = {json.loads(line)["code"]: json.loads(line)["status"] for line in found}
    assert exported[late] == "signature_being_replaced" and exported[early] == "valid"
    assert exported[suspended] == "suspended"
    with service.uow.db.read() as session:
        hits = search_service.find(session, "Laat B.V.", service.uow.clock()).hits
    assert [(h.code, h.status) for h in hits] == [(late, "signature_being_replaced")]
    results = world.client.get("/", params={"q": "Laat B.V.", "lang": "en"}).text
    assert "Signature being replaced" in results
    # The server's own check refuses the credential meanwhile.
    steps = check_certificate(service, service.certificates.certificate(late)).steps
    assert steps[0].outcome == "failed" and "compromised" in steps[0].detail

    clock.advance(hours=1)
    assert main(["keys", "reissue", f"--kid={kid}"]) == 0
    assert "reissued 2 credential(s)" in capsys.readouterr().out

    new_kid = _kid(world, late)
    assert new_kid != kid
    # Same code, credential id, validity and status indices: only the signature changed.
    assert _status_index(world, late) == before
    document = world.client.get(f"/api/v1/certificates/{late}").json()
    assert (document["status"], document["signature"]) == ("valid", "current")
    assert document["history"][-1]["type"] == "credential.reissued"
    assert world.client.get(f"/api/v1/certificates/{suspended}").json()["status"] == "suspended"
    assert 'data-state="valid"' in world.client.get(f"/badge/{late}.svg").text
    listed = world.client.get("/api/v1/certificates?status=valid").json()["items"]
    assert {c["code"] for c in listed} == {early, late}
    assert '<span class="status-word">Valid</span>' in world.client.get(f"/c/{late}?lang=en").text
    jwks = parse_jwks(world.client.get("/.well-known/jwks.json").json())
    for code in (early, late, suspended):
        check = check_certificate(service, service.certificates.certificate(code))
        assert [s.outcome for s in check.steps] == ["passed", "passed", "passed"], check.steps
    token = world.client.get(f"/api/v1/certificates/{late}/credential").text
    assert verify_credential(token, jwks).kid == new_kid
    # The credential the early certificate got before the compromise stays as it was.
    assert _kid(world, early) == kid

    # The compromised key never signs again: not the lists, not a new certificate, not a
    # second run of the reissue (which finds nothing left).
    newer = world.certify(
        organisation={"legal_name": "Nieuw B.V.", "registration_number": "55556666"}
    )
    assert kid not in _every_signature(service, world, [late, suspended, newer])
    assert main(["keys", "reissue", f"--kid={kid}"]) == 0
    assert "reissued 0 credential(s)" in capsys.readouterr().out
    with service.uow.db.read() as session:
        assert service.uow.keyring.signer(session).kid != kid


def test_reissue_refuses_a_key_never_marked(
    world: World, service: Services, clock: FakeClock, env: dict[str, str]
) -> None:
    code = world.certify()
    kid = _kid(world, code)
    clock.advance(days=1)
    service.transparency.rotate_keys()  # retired, not compromised: its signatures stand
    with pytest.raises(Exception, match="not compromised"):
        service.certificates.reissue_compromised(kid)
    with pytest.raises(Exception, match="no credential key"):
        service.certificates.reissue_compromised("no-such-key")
    assert world.client.get(f"/api/v1/certificates/{code}").json()["status"] == "valid"
