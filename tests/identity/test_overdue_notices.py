"""When a suspension's deadline or a surveillance interval passes nothing changes by
itself: the page says so and the body's admins get one e-mail, through the real SMTP
path."""

from __future__ import annotations

from datetime import timedelta

from registry.bootstrap import Services
from tests.api.test_trust_over_time import certificate, decide, follow_up
from tests.support.env import FakeClock
from tests.support.smtp import Inbox
from tests.support.world import World


def notices_to(inbox: Inbox, code: str) -> list[tuple[str, str]]:
    return sorted(
        (str(m["To"]), str(m["Subject"])) for m in inbox.messages if code in str(m["Subject"])
    )


def test_a_passed_deadline_is_told_to_the_body_once(
    world: World, clock: FakeClock, service: Services, inbox: Inbox
) -> None:
    code = world.certify()
    clock.advance(days=100)
    audit = follow_up(world, clock, code, "surveillance", WS_2_1="major_nonconformity")
    deadline = clock.now.date() + timedelta(days=14)
    decided = decide(
        world,
        audit,
        {
            "outcome": "refuse",
            "action": "suspend",
            "deadline": str(deadline),
            "reason_nl": "betaalpagina onveilig",
        },
    )
    assert decided.status_code == 201, decided.text
    assert service.certificates.notify_overdue() == 0  # not passed yet
    assert notices_to(inbox, code) == []

    clock.advance(days=15)
    assert service.certificates.notify_overdue() == 1
    told = notices_to(inbox, code)
    # Both admins of the body, and nobody else (not the auditors).
    assert [to for to, _ in told] == ["anna@keurcontrole.example", "bert@keurcontrole.example"]
    assert all("Suspension deadline passed" in subject for _, subject in told)
    # Once: the next sweep, or another process's, sends nothing again.
    assert service.certificates.notify_overdue() == 0
    assert len(notices_to(inbox, code)) == 2
    # Nothing happened by itself: still suspended; the page says the deadline passed.
    assert certificate(world, code)["status"] == "suspended"
    page = world.client.get(f"/c/{code}?lang=en").text
    assert "The deadline of this suspension passed on" in page
    assert "certification body has been told" in page


def test_an_overdue_surveillance_is_told_once(
    world: World, clock: FakeClock, service: Services, inbox: Inbox
) -> None:
    # The world's scheme has a 12-month interval and 12-month validity: with a longer
    # validity the surveillance falls due before expiry.
    changed = world.client.patch(
        "/api/v1/schemes/webwinkel",
        json={"surveillance_interval_months": 3},
        headers={"Authorization": f"Bearer {world.staff}"},
    )
    assert changed.status_code == 200, changed.text
    code = world.certify()
    audit_end = world.today - timedelta(days=8)
    clock.advance(days=60)
    assert service.certificates.notify_overdue() == 0
    clock.advance(days=60)
    assert service.certificates.notify_overdue() == 1
    assert service.certificates.notify_overdue() == 0
    told = notices_to(inbox, code)
    assert len(told) == 2 and all("Surveillance audit overdue" in s for _, s in told)
    shown = certificate(world, code)
    assert shown["status"] == "valid"
    assert [o["kind"] for o in shown["overdue"]] == ["surveillance"]
    assert shown["overdue"][0]["due"] > str(audit_end)
