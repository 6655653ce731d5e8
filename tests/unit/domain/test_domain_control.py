"""The pure rules of domain control validation: tokens, what proves a claim, when the
registry looks again, and what binds."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain import domain_control as dcv

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def test_a_token_is_128_random_bits_in_base64url() -> None:
    tokens = {dcv.new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert len(token) == 22 and "=" not in token
        assert len(base64.urlsafe_b64decode(token + "==")) == 16


def test_where_the_proof_lives() -> None:
    assert dcv.txt_name("xn--bcher-kva.example") == "_keurmerk.xn--bcher-kva.example"
    assert dcv.txt_value("abc") == "keurmerk-verification=abc"
    assert dcv.http_path("abc") == "/.well-known/keurmerk/abc"


@given(st.lists(st.text(max_size=60), max_size=5))
def test_only_the_exact_value_proves_a_claim(records: list[str]) -> None:
    token = "Q1w2E3r4T5y6U7i8O9p0aB"
    wanted = dcv.txt_value(token)
    assert dcv.txt_proves(records, token) == any(r.strip() == wanted for r in records)
    assert dcv.txt_proves([*records, f"  {wanted} "], token)
    assert not dcv.txt_proves([], token)
    assert not dcv.txt_proves([wanted + "x", "keurmerk-verification=" + token.lower()], token)


def test_an_http_body_proves_only_with_the_token_itself() -> None:
    assert dcv.body_proves(b"tok\n", "tok")
    assert not dcv.body_proves(b"", "tok")
    assert not dcv.body_proves(b"tok tok", "tok")


def test_retries_widen_and_stop_after_thirty_days() -> None:
    waits = [dcv.next_retry(n, NOW) for n in range(1, 40)]
    assert waits[0] == NOW + timedelta(minutes=5) and waits[1] == NOW + timedelta(minutes=15)
    assert waits[4] == waits[10] == NOW + timedelta(hours=24)
    given_up = [n for n, due in enumerate(waits, start=1) if due is None]
    assert given_up and given_up == list(range(given_up[0], 40))
    assert 25 < given_up[0] < 35
    with pytest.raises(ValueError, match="at least 1"):
        dcv.next_retry(0, NOW)


def test_revalidation_after_ninety_days() -> None:
    assert dcv.revalidation_due(NOW) == NOW + timedelta(days=90)


def test_only_a_verified_and_unreviewed_or_approved_claim_binds() -> None:
    assert dcv.binds("verified", None) and dcv.binds("verified", "approved")
    assert not dcv.binds("verified", "required") and not dcv.binds("verified", "refused")
    assert not dcv.binds("pending", None) and not dcv.binds("failed", "approved")


def test_the_log_names_an_unproved_domain_by_its_digest() -> None:
    digest = dcv.domain_digest("shop.example")
    assert len(digest) == 64 and "shop" not in digest
