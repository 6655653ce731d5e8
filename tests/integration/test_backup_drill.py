"""The backup and restore drill: back up, add more, restore, verify, and a monitor that
followed the old origin sees the documented continuation, never a fork."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import jwt
import pytest
from litestar.testing import TestClient

from registry.app import create_app
from registry.bootstrap import Services, open_registry
from registry.certificates.verification import check_certificate
from registry.cli import main
from registry.config import Settings
from registry.errors import ConflictError
from registry.logcheck import monitor_once
from registry.logcheck.errors import LogCheckError
from registry.transparency.continuation import read_published
from tests.support.env import FakeClock
from tests.support.world import World


def _fetch(client: TestClient[Any]) -> Any:
    def fetch(path: str) -> bytes:
        response = client.get("/" + path)
        assert response.status_code == 200, (path, response.status_code)
        return response.content

    return fetch


def test_backup_add_restore_verify_and_the_monitor_sees_a_continuation(
    world: World,
    service: Services,
    settings: Settings,
    clock: FakeClock,
    env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    kept = world.certify()
    followed = monitor_once(_fetch(world.client), None)
    backup = tmp_path / "registry.backup"
    assert main(["backup", str(backup)]) == 0
    assert main(["backup", str(backup)]) == 1, "a backup never overwrites a file"
    capsys.readouterr()

    # Add more after the backup: a certificate and a suspension, both published.
    clock.advance(hours=1)
    lost = world.certify(
        organisation={"legal_name": "Verloren B.V.", "registration_number": "11112222"}
    )
    world.post(f"/api/v1/certificates/{kept}/suspend", world.admin, {"reason": "audit"})
    seen = monitor_once(_fetch(world.client), followed.current).current
    published = read_published(settings.keys_dir)
    assert published is not None and (published.origin, published.size) == (seen.origin, seen.size)

    # The restore goes back to before them: behind what was published.
    assert main(["restore", str(backup)]) == 3
    out = capsys.readouterr().out
    assert "BEHIND" in out and "registry log continue" in out
    with pytest.raises(ConflictError, match="registry log continue"):
        create_app(settings, clock=clock, keyring=service.uow.keyring)
    assert main(["expire"]) == 1, "no write may sign under the old origin"
    assert main(["init"]) == 1, "nor may a server start and sign its head again"
    assert "restored behind the published checkpoint" in capsys.readouterr().err

    assert main(["log", "continue"]) == 0
    out = capsys.readouterr().out
    assert "new origin" in out and "reissued 1 credential(s)" in out
    assert main(["log", "verify"]) == 0
    assert "FAIL" not in capsys.readouterr().out.upper()

    registry = open_registry(settings, clock)
    with TestClient(create_app(settings, clock=clock, keyring=service.uow.keyring)) as client:
        fetch = _fetch(client)
        result = monitor_once(fetch, seen)
        assert result.continued is not None
        assert (result.continued.origin, result.continued.size) == (seen.origin, seen.size)
        assert result.current.origin != seen.origin
        assert any(line.startswith("log continued:") for line in result.lines())
        entry = client.get("/api/v1/log/entries?start=0&end=1").json()["items"][0]["entry"]
        assert '"type":"log.continued"' in entry and seen.note.split("\n")[0] in entry

        # What the backup held is served and checks out in the new log; what came after
        # it is gone (and said so: not found), the suspension with it.
        document = client.get(f"/api/v1/certificates/{kept}").json()
        assert document["status"] == "valid"
        check = check_certificate(registry, registry.certificates.certificate(kept))
        assert [s.outcome for s in check.steps] == ["passed", "passed", "passed"], check.steps
        assert client.get(f"/api/v1/certificates/{lost}").status_code == 404

        # Status lists continue at a new number: no index drawn after the backup is reused.
        clock.advance(hours=1)
        again = dataclasses.replace(world, client=client)
        newer = again.certify(
            organisation={"legal_name": "Nieuw B.V.", "registration_number": "55556666"}
        )
        token = client.get(f"/api/v1/certificates/{newer}/credential").text
        status = jwt.decode(token, options={"verify_signature": False})["credentialStatus"]
        assert status[0]["statusListCredential"].endswith("/status/2/revocation")

        # From here on the monitor follows the new origin as any log.
        onward = monitor_once(fetch, result.current)
        assert onward.continued is None and onward.current.size > result.current.size
        # A monitor that never saw a continuation entry would call a new origin a fork.
        with pytest.raises(LogCheckError, match="origin changed"):
            forged = dataclasses.replace(seen, origin="elsewhere.example/log/x")
            monitor_once(fetch, forged)
