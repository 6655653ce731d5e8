"""Status webhooks: signed as Standard Webhooks, retried with backoff, never blocking the
change that caused them, and never sent to the registry's own network (SSRF).

A receiving server runs on 127.0.0.1, which only ``webhook_allow_private`` permits.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

import pytest
from litestar.testing import TestClient
from standardwebhooks import Webhook

from registry.app import create_app
from registry.bootstrap import Services
from registry.config import Settings
from registry.webhooks import store as webhooks
from registry.webhooks.delivery import TargetPolicy, WebhookDispatcher, non_public_reason
from tests.support.env import FakeClock
from tests.support.loops import run_apart
from tests.support.people import own_token_of
from tests.support.world import World, bearer

T = TypeVar("T")


class Receiver:
    """An HTTP server on 127.0.0.1 that records what it is sent and answers as told."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[int] = []  # status codes to answer in turn; then 204
        self.hold: threading.Event | None = None  # when set, answers wait for it
        self.received = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                receiver.received.set()
                if receiver.hold is not None:
                    receiver.hold.wait(10)
                status = receiver.answers.pop(0) if receiver.answers else 204
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def close(self) -> None:
        if self.hold is not None:
            self.hold.set()
        self.server.shutdown()
        self.server.server_close()


def eventually(check: Callable[[], T], timeout: float = 10.0) -> T:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


@pytest.fixture
def dispatcher_off() -> None:
    """Asked for by a test that runs its own dispatcher: the server's stays off."""


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """Private targets allowed (the receiver is on 127.0.0.1), a fast dispatcher, short
    retries."""
    off = "dispatcher_off" in request.fixturenames
    return dataclasses.replace(
        settings,
        webhook_allow_private=True,
        webhook_poll_seconds=0 if off else 0.05,
        webhook_timeout_seconds=5,
        webhook_retry_seconds=(10, 60),
    )


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


def holder_of(world: World, number: str = "12345678", name: str = "Henk Holder") -> str:
    person = world.post(
        f"/api/v1/organisations/NL/{number}/people",
        world.staff,
        {"name": name, "email": f"{number}@holder.example"},
    )
    assert person.status_code == 201, person.text
    plain: str = own_token_of(world.client)(person.json()["id"])
    return plain


def register(world: World, holder: str, url: str) -> dict[str, Any]:
    response = world.post("/api/v1/holder/webhooks", holder, {"url": url})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def deliveries(world: World, holder: str, endpoint: int) -> list[dict[str, Any]]:
    response = world.client.get(
        f"/api/v1/holder/webhooks/{endpoint}/deliveries", headers=bearer(holder)
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def expected_signature(secret: str, headers: dict[str, str], body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def test_a_status_change_is_posted_signed(
    world: World, receiver: Receiver, clock: FakeClock
) -> None:
    # Real time, so that the standardwebhooks package's replay window accepts the timestamp.
    clock.now = datetime.now(UTC).replace(microsecond=0)
    world.today = clock.now.date()
    code = world.certify()
    holder = holder_of(world)
    endpoint = register(world, holder, receiver.url)
    secret = endpoint["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    listed = world.client.get("/api/v1/holder/webhooks", headers=bearer(holder)).json()
    assert [e["id"] for e in listed] == [endpoint["id"]] and "secret" not in listed[0]
    assert "certificate.suspended" in listed[0]["events"]

    suspended = world.post(
        f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "complaints not handled"}
    )
    assert suspended.status_code == 200, suspended.text
    log_index = suspended.json()["history"][-1]["log_index"]

    eventually(lambda: receiver.requests)
    headers, body = receiver.requests[0]
    assert headers["content-type"] == "application/json"
    assert headers["webhook-id"].startswith("msg_")
    assert headers["webhook-timestamp"] == str(int(clock.now.timestamp()))
    assert hmac.compare_digest(
        headers["webhook-signature"], expected_signature(secret, headers, body)
    )
    assert json.loads(body) == {
        "type": "certificate.suspended",
        "timestamp": clock.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "data": {
            "code": code,
            "status": "suspended",
            "reason": "complaints not handled",
            "log_index": log_index,
        },
    }
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    tampered = body.replace(b"suspended", b"reinstated", 1)
    with pytest.raises(Exception, match="signature"):
        Webhook(secret).verify(tampered, headers)

    (delivery,) = eventually(
        lambda: [d for d in deliveries(world, holder, endpoint["id"]) if d["status"] == "delivered"]
    )
    assert delivery["id"] == headers["webhook-id"] and delivery["type"] == "certificate.suspended"
    assert delivery["certificate"] == code and delivery["next_attempt_at"] is None
    assert [(a["number"], a["status_code"], a["error"]) for a in delivery["attempts"]] == [
        (1, 204, "")
    ]


def test_a_failed_delivery_is_retried_with_the_same_id(
    world: World, receiver: Receiver, clock: FakeClock
) -> None:
    code = world.certify()
    holder = holder_of(world)
    endpoint = register(world, holder, receiver.url)
    receiver.answers = [500, 204]
    world.post(f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "audit overdue"})

    def attempted(count: int) -> list[dict[str, Any]]:
        found = deliveries(world, holder, endpoint["id"])
        return found if found and len(found[0]["attempts"]) >= count else []

    (first,) = eventually(lambda: attempted(1))
    assert first["status"] == "pending" and first["attempts"][0]["status_code"] == 500
    assert first["attempts"][0]["error"] == "the receiver answered 500"
    assert first["next_attempt_at"] == "2026-06-01T12:00:10Z"  # the first wait is 10 s
    time.sleep(0.3)
    assert len(receiver.requests) == 1, "a retry came before its time"

    clock.advance(seconds=10)
    (second,) = eventually(lambda: attempted(2))
    assert second["status"] == "delivered" and second["next_attempt_at"] is None
    assert [a["status_code"] for a in second["attempts"]] == [500, 204]
    (h1, b1), (h2, b2) = receiver.requests
    assert h1["webhook-id"] == h2["webhook-id"] and b1 == b2
    assert int(h2["webhook-timestamp"]) == int(h1["webhook-timestamp"]) + 10
    assert h2["webhook-signature"] == expected_signature(endpoint["secret"], h2, b2)


def test_a_delivery_is_given_up_after_the_schedule(
    world: World, receiver: Receiver, clock: FakeClock
) -> None:
    code = world.certify()
    holder = holder_of(world)
    endpoint = register(world, holder, receiver.url)
    receiver.answers = [503, 503, 503, 204]
    world.post(
        f"/api/v1/certificates/{code}/withdraw", world.admin, {"reason": "fraud established"}
    )
    eventually(lambda: len(receiver.requests) == 1)

    def attempts() -> int:
        return len(deliveries(world, holder, endpoint["id"])[0]["attempts"])

    for wait, count in ((10, 2), (60, 3)):
        eventually(lambda: deliveries(world, holder, endpoint["id"])[0]["next_attempt_at"])
        clock.advance(seconds=wait)
        eventually(lambda: attempts() == count)  # noqa: B023  (called within the iteration)
    (given_up,) = eventually(
        lambda: [d for d in deliveries(world, holder, endpoint["id"]) if d["status"] == "failed"]
    )
    assert given_up["next_attempt_at"] is None and len(given_up["attempts"]) == 3
    clock.advance(hours=3)
    time.sleep(0.3)
    assert len(receiver.requests) == 3


def test_the_expiry_sweep_sends_its_webhook(
    world: World, receiver: Receiver, clock: FakeClock, service: Services
) -> None:
    code = world.certify()
    endpoint = register(world, holder_of(world), receiver.url)
    clock.advance(days=366)
    assert service.certificates.expire_due() == [code]
    eventually(lambda: receiver.requests)
    ((headers, body),) = receiver.requests
    message = json.loads(body)
    assert (message["type"], message["data"]["status"]) == ("certificate.expired", "expired")
    assert message["data"]["reason"] == "geldigheidsduur verstreken"
    assert message["data"]["reason_en"] == "validity period ended"
    assert headers["webhook-signature"] == expected_signature(endpoint["secret"], headers, body)


def test_the_request_returns_before_the_delivery(world: World, receiver: Receiver) -> None:
    code = world.certify()
    holder = holder_of(world)
    endpoint = register(world, holder, receiver.url)
    receiver.hold = threading.Event()

    started = time.monotonic()
    suspended = world.post(
        f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "audit overdue"}
    )
    assert suspended.status_code == 200 and time.monotonic() - started < 3
    # The receiver now holds the delivery: it cannot have been answered before the API did.
    assert receiver.received.wait(5)
    (pending,) = deliveries(world, holder, endpoint["id"])
    assert pending["status"] == "pending" and pending["attempts"] == []
    receiver.hold.set()
    eventually(lambda: deliveries(world, holder, endpoint["id"])[0]["status"] == "delivered")


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("https://127.0.0.1/hook", "loopback"),
        ("https://10.0.0.1/hook", "private"),
        ("https://169.254.169.254/latest/meta-data/", "link-local"),
        ("https://localhost:8443/hook", "loopback"),
        ("https://[::1]/hook", "loopback"),
        ("https://[::ffff:10.0.0.1]/hook", "private"),
    ],
)
def test_private_targets_are_refused(
    world: World,
    settings: Settings,
    clock: FakeClock,
    service: Services,
    url: str,
    named: str,
) -> None:
    world.certify()
    holder = holder_of(world)
    strict = dataclasses.replace(settings, webhook_allow_private=False, webhook_poll_seconds=0)
    with TestClient(create_app(strict, clock=clock, keyring=service.uow.keyring)) as client:
        refused = client.post("/api/v1/holder/webhooks", json={"url": url}, headers=bearer(holder))
        assert refused.status_code == 422, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["type"].endswith("/webhook-target-refused"), problem
        assert named in problem["detail"] and "public addresses only" in problem["detail"]
        assert client.get("/api/v1/holder/webhooks", headers=bearer(holder)).json() == []


@pytest.mark.parametrize(
    ("url", "named"),
    [
        ("http://hooks.example/x", "https://"),
        ("ftp://hooks.example/x", "https://"),
        ("https://user:pw@hooks.example/x", "user name"),
        ("https://hooks.example/x#frag", "fragment"),
        ("https://hooks.example:99999/x", "not valid"),
        ("https:///x", "names a host"),
    ],
)
def test_malformed_targets_are_refused(
    world: World,
    settings: Settings,
    clock: FakeClock,
    service: Services,
    url: str,
    named: str,
) -> None:
    world.certify()
    holder = holder_of(world)
    strict = dataclasses.replace(settings, webhook_allow_private=False, webhook_poll_seconds=0)
    with TestClient(create_app(strict, clock=clock, keyring=service.uow.keyring)) as client:
        refused = client.post("/api/v1/holder/webhooks", json={"url": url}, headers=bearer(holder))
        assert refused.status_code == 400, refused.text
        assert named in refused.json()["detail"]


@pytest.mark.usefixtures("dispatcher_off")
def test_the_target_is_checked_again_at_delivery(
    world: World, receiver: Receiver, service: Services, clock: FakeClock
) -> None:
    """Registered while allowed; when the check at delivery refuses, nothing is sent."""
    code = world.certify()
    holder = holder_of(world)
    endpoint = register(world, holder, receiver.url)
    world.post(f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "audit overdue"})

    # any port (the receiver's): it is the loopback address that must be refused
    public_only = TargetPolicy(allow_private=False, allow_http=True, ports=frozenset())
    strict = WebhookDispatcher(service.webhooks, public_only, clock, timeout=2)
    assert run_apart(strict.run_once) == 1
    assert receiver.requests == []
    (refused,) = deliveries(world, holder, endpoint["id"])
    (attempt,) = refused["attempts"]
    assert attempt["status_code"] is None and attempt["error"].startswith("refused:")
    assert "loopback" in attempt["error"] and refused["status"] == "pending"


@pytest.mark.usefixtures("dispatcher_off")
def test_a_named_host_connects_to_the_checked_address_only(
    world: World, receiver: Receiver, service: Services, clock: FakeClock
) -> None:
    code = world.certify()
    holder = holder_of(world)
    actor = service.identity.authenticate(holder)
    with service.uow.db.write() as session:  # stored as if it had passed the check at registration
        webhooks.register(session, actor, f"http://hooks.example:{receiver.port}/x", clock())
    world.post(f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "audit overdue"})

    rebound = TargetPolicy(
        allow_private=False,
        allow_http=True,
        resolve=lambda host, port: ["127.0.0.1"],
        ports=frozenset(),
    )
    assert run_apart(WebhookDispatcher(service.webhooks, rebound, clock).run_once) == 1
    assert receiver.requests == []
    (attempt,) = deliveries(world, holder, 1)[0]["attempts"]
    assert attempt["error"] == (
        "refused: the webhook host hooks.example resolves to 127.0.0.1, a loopback address; "
        "webhooks go to public addresses only"
    )

    clock.advance(seconds=10)
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    allowed = TargetPolicy(allow_private=True, resolve=resolve)
    assert run_apart(WebhookDispatcher(service.webhooks, allowed, clock).run_once) == 1
    ((headers, _),) = receiver.requests
    assert headers["host"] == f"hooks.example:{receiver.port}" and asked == ["hooks.example"]


def test_endpoints_belong_to_their_holder(world: World, receiver: Receiver) -> None:
    world.certify()
    world.certify(
        organisation={"legal_name": "Boeken B.V.", "registration_number": "87654321"},
        domains=["boeken.example"],
    )
    holder = holder_of(world)
    other = holder_of(world, "87654321", "Bea Boeken")
    endpoint = register(world, holder, receiver.url)

    assert world.client.get("/api/v1/holder/webhooks", headers=bearer(other)).json() == []
    foreign = world.client.get(
        f"/api/v1/holder/webhooks/{endpoint['id']}/deliveries", headers=bearer(other)
    )
    assert foreign.status_code == 404
    assert (
        world.client.delete(
            f"/api/v1/holder/webhooks/{endpoint['id']}", headers=bearer(other)
        ).status_code
        == 404
    )
    assert (
        world.post("/api/v1/holder/webhooks", world.admin, {"url": receiver.url}).status_code == 403
    )
    assert (
        world.client.post("/api/v1/holder/webhooks", json={"url": receiver.url}).status_code == 401
    )
    assert world.post("/api/v1/holder/webhooks", holder, {"url": receiver.url}).status_code == 409

    removed = world.client.delete(
        f"/api/v1/holder/webhooks/{endpoint['id']}", headers=bearer(holder)
    )
    assert removed.status_code == 204
    assert world.client.get("/api/v1/holder/webhooks", headers=bearer(holder)).json() == []


def test_removing_an_endpoint_cancels_its_pending_messages(
    world: World, receiver: Receiver, service: Services, clock: FakeClock
) -> None:
    code = world.certify()
    holder = holder_of(world)
    endpoint = register(world, holder, receiver.url)
    receiver.answers = [500]
    world.post(f"/api/v1/certificates/{code}/suspend", world.admin, {"reason": "audit overdue"})
    eventually(lambda: deliveries(world, holder, endpoint["id"])[0]["attempts"])
    world.client.delete(f"/api/v1/holder/webhooks/{endpoint['id']}", headers=bearer(holder))
    clock.advance(seconds=10)
    time.sleep(0.3)
    assert len(receiver.requests) == 1
    with service.uow.db.engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT e.secret, d.status FROM webhook_endpoint e JOIN webhook_delivery d ON d.endpoint_id = e.id"
        ).all()
    assert [tuple(r) for r in rows] == [("", "cancelled")]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:10.0.0.1",
        "2002:a00:1::1",
        "64:ff9b::7f00:1",
    ],
)
def test_addresses_outside_the_public_internet(address: str) -> None:
    assert non_public_reason(address) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses(address: str) -> None:
    assert non_public_reason(address) is None
