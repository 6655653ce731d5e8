"""/log/policy without witnesses, and a registry whose witness policy is broken."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from registry.bootstrap import Services
from registry.config import Settings
from registry.tlog.policy import PolicyError


def test_no_witnesses_no_policy(client: TestClient[Any]) -> None:
    answer = client.get("/log/policy")
    assert answer.status_code == 404
    assert "names no witnesses" in answer.json()["detail"]
    assert "data-cosigned" not in client.get("/log").text


def test_a_policy_file_that_is_not_a_policy_stops_the_start(
    settings: Settings, service: Services, tmp_path: Path
) -> None:
    broken = tmp_path / "witnesses.policy"
    broken.write_text("witness W0 not-a-key https://w.example\nquorum W0\n")
    with pytest.raises(PolicyError, match="policy line 1"):
        Services.build(
            replace(settings, witnesses_file=broken), service.uow.db, service.uow.keyring
        )
