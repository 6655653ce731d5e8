from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from registry.app import create_app
from registry.bootstrap import initialise
from registry.config import Settings
from registry.services.registry import RegistryService
from tests.support.env import FakeClock
from tests.support.world import World, build_world


@pytest.fixture
def service(settings: Settings, clock: FakeClock) -> RegistryService:
    return initialise(settings, clock)


@pytest.fixture
def client(
    settings: Settings, clock: FakeClock, service: RegistryService
) -> Iterator[TestClient[Any]]:
    app = create_app(settings, clock=clock, keyring=service.keyring)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def staff_token(service: RegistryService) -> str:
    return service.create_staff_token("Sam Staff").token


@pytest.fixture
def world(client: TestClient[Any], staff_token: str) -> World:
    return build_world(client, staff_token)
