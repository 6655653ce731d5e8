"""The certificate status machine and the status a reader sees."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain.status import (
    CertificateStatus,
    NaiveDatetimeError,
    StatusTransitionError,
    Transition,
    apply_transition,
    effective_status,
    seconds_until_change,
)
from registry.errors import ConflictError, InvalidInputError

S = CertificateStatus
T = Transition
UNTIL = datetime(2026, 1, 1, tzinfo=UTC)
SECOND = timedelta(seconds=1)

statuses = st.sampled_from(CertificateStatus)
transitions = st.sampled_from(Transition)
aware_times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.timezones()
)


@pytest.mark.parametrize(
    ("stored", "now", "seen"),
    [
        (S.VALID, UNTIL - SECOND, S.VALID),
        (S.VALID, UNTIL - timedelta(microseconds=1), S.VALID),
        (S.VALID, UNTIL, S.EXPIRED),  # valid_until is exclusive
        (S.SUSPENDED, UNTIL - SECOND, S.SUSPENDED),
        (S.SUSPENDED, UNTIL, S.EXPIRED),
        (S.WITHDRAWN, UNTIL - SECOND, S.WITHDRAWN),
        (S.WITHDRAWN, UNTIL + SECOND, S.WITHDRAWN),
        (S.EXPIRED, UNTIL - SECOND, S.EXPIRED),  # the sweep's record stands
    ],
)
def test_effective_status(stored: S, now: datetime, seen: S) -> None:
    assert effective_status(stored, UNTIL, now) is seen


def test_times_compare_as_instants_across_a_dst_change() -> None:
    """Python compares datetimes sharing a tzinfo by wall clock; the instants decide here."""
    amsterdam = ZoneInfo("Europe/Amsterdam")
    # 02:30 happens twice on 2025-10-26: first in summer time (fold=0), then in winter time.
    until = datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=amsterdam)
    now = datetime(2025, 10, 26, 2, 45, fold=0, tzinfo=amsterdam)  # 45 minutes before until
    assert effective_status(S.VALID, until, now) is S.VALID
    assert seconds_until_change(S.VALID, until, now) == 45 * 60


def test_times_in_other_zones_compare_as_instants() -> None:
    amsterdam = timezone(timedelta(hours=1))
    assert effective_status(S.VALID, UNTIL, datetime(2026, 1, 1, 0, 59, tzinfo=amsterdam)) is (
        S.VALID
    )
    assert effective_status(S.VALID, UNTIL, datetime(2026, 1, 1, 1, 0, tzinfo=amsterdam)) is (
        S.EXPIRED
    )


@pytest.mark.parametrize(
    ("valid_until", "now", "name"),
    [
        (datetime(2026, 1, 1), UNTIL, "valid_until"),
        (UNTIL, datetime(2025, 1, 1), "now"),
    ],
)
def test_naive_times_are_refused(valid_until: datetime, now: datetime, name: str) -> None:
    with pytest.raises(NaiveDatetimeError, match=f"{name} must carry a time zone") as caught:
        effective_status(S.VALID, valid_until, now)
    assert isinstance(caught.value, InvalidInputError)
    with pytest.raises(NaiveDatetimeError):
        seconds_until_change(S.VALID, valid_until, now)


@given(stored=statuses, valid_until=aware_times, now=aware_times)
def test_precedence_withdrawn_expired_suspended_valid(
    stored: S, valid_until: datetime, now: datetime
) -> None:
    seen = effective_status(stored, valid_until, now)
    if stored is S.WITHDRAWN:
        assert seen is S.WITHDRAWN
    elif stored is S.EXPIRED or now >= valid_until:
        assert seen is S.EXPIRED
    else:
        assert seen is stored
    assert seen in {S.WITHDRAWN, S.EXPIRED, stored}


ALLOWED = {
    (S.VALID, T.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, T.REINSTATE): S.VALID,
    (S.VALID, T.WITHDRAW): S.WITHDRAWN,
    (S.SUSPENDED, T.WITHDRAW): S.WITHDRAWN,
    (S.VALID, T.EXPIRE): S.EXPIRED,
    (S.SUSPENDED, T.EXPIRE): S.EXPIRED,
    (S.VALID, T.RENEW): S.VALID,
    (S.SUSPENDED, T.RENEW): S.VALID,
    (S.EXPIRED, T.RENEW): S.VALID,
}


@pytest.mark.parametrize("status", list(CertificateStatus))
@pytest.mark.parametrize("transition", list(Transition))
def test_transition_table(status: S, transition: T) -> None:
    if (status, transition) in ALLOWED:
        assert apply_transition(status, transition) is ALLOWED[status, transition]
    else:
        with pytest.raises(StatusTransitionError) as caught:
            apply_transition(status, transition)
        assert isinstance(caught.value, ConflictError)
        assert caught.value.detail == f"cannot {transition} a certificate that is {status}"


def test_plain_strings_from_storage_are_read_as_members() -> None:
    assert effective_status("suspended", UNTIL, UNTIL - SECOND) is S.SUSPENDED  # type: ignore[arg-type]  # as a row might hold it
    assert apply_transition("valid", "suspend") is S.SUSPENDED  # type: ignore[arg-type]  # as a request might hold it


def test_transition_error_message() -> None:
    with pytest.raises(
        StatusTransitionError, match="cannot reinstate a certificate that is withdrawn"
    ):
        apply_transition(S.WITHDRAWN, T.REINSTATE)


@given(start=statuses, moves=st.lists(transitions, max_size=30))
def test_random_moves_never_leave_withdrawn(start: S, moves: list[T]) -> None:
    status, withdrawn = start, start is S.WITHDRAWN
    for move in moves:
        try:
            after = apply_transition(status, move)
        except StatusTransitionError:
            assert (status, move) not in ALLOWED
            continue
        assert status is not S.WITHDRAWN
        status = after
        withdrawn = withdrawn or status is S.WITHDRAWN
    assert (status is S.WITHDRAWN) == withdrawn


@pytest.mark.parametrize(
    ("stored", "now", "seconds"),
    [
        (S.VALID, UNTIL - timedelta(hours=1), 3600),
        (S.SUSPENDED, UNTIL - timedelta(hours=1), 3600),
        (S.VALID, UNTIL - timedelta(seconds=10, microseconds=500_000), 10),  # rounded down
        (S.VALID, UNTIL - timedelta(microseconds=1), 0),
        (S.VALID, UNTIL, None),
        (S.EXPIRED, UNTIL - timedelta(hours=1), None),
        (S.WITHDRAWN, UNTIL - timedelta(hours=1), None),
    ],
)
def test_seconds_until_change(stored: S, now: datetime, seconds: int | None) -> None:
    assert seconds_until_change(stored, UNTIL, now) == seconds


@given(stored=statuses, valid_until=aware_times, now=aware_times)
def test_a_cache_lifetime_never_outlives_the_status(
    stored: S, valid_until: datetime, now: datetime
) -> None:
    """A response fresh for `seconds` (RFC 9111 §4.2: while its age is below) stays true."""
    seen = effective_status(stored, valid_until, now)
    seconds = seconds_until_change(stored, valid_until, now)
    later = now.astimezone(UTC)  # aware arithmetic is by wall clock within one zone
    if seconds is None:
        assert seen in {S.WITHDRAWN, S.EXPIRED}
        assert effective_status(stored, valid_until, later + timedelta(days=36500)) is seen
    else:
        assert seconds >= 0
        last_fresh = later + seconds * SECOND - timedelta(microseconds=1)
        assert effective_status(stored, valid_until, max(last_fresh, later)) is seen
        assert effective_status(stored, valid_until, later + (seconds + 1) * SECOND) is S.EXPIRED


@pytest.mark.parametrize("status", list(CertificateStatus))
def test_only_withdrawn_blocks_changes(status: CertificateStatus) -> None:
    from registry.domain.status import blocks_changes

    assert blocks_changes(status) is (status is CertificateStatus.WITHDRAWN)


@given(signed=aware_times, compromised=aware_times)
def test_a_signature_is_replaced_unless_it_predates_the_compromise(
    signed: datetime, compromised: datetime
) -> None:
    from registry.domain.status import signature_being_replaced

    assert signature_being_replaced(compromised, signed) is (not signed < compromised)
    assert signature_being_replaced(None, signed) is False


@given(status=statuses)
def test_only_a_valid_certificate_is_shown_as_being_replaced(status: CertificateStatus) -> None:
    from registry.domain.status import SIGNATURE_BEING_REPLACED, shown_status

    assert shown_status(status, False) == status.value
    expected = SIGNATURE_BEING_REPLACED if status is S.VALID else status.value
    assert shown_status(status, True) == expected


def test_a_naive_signing_time_is_refused() -> None:
    from registry.domain.status import signature_being_replaced

    with pytest.raises(NaiveDatetimeError, match="signed_at"):
        signature_being_replaced(UNTIL, datetime(2026, 1, 1))
