"""Internal consistency of the demo content."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from registry.demo_data import (
    BODIES,
    DIMENSIONS,
    METHODS,
    ORGANISATIONS,
    REASONED_STEPS,
    SCHEMES,
    STEPS,
    STORIES,
    DemoScheme,
    DemoStory,
)

SCHEMES_BY_SLUG = {scheme.slug: scheme for scheme in SCHEMES}
BODIES_BY_SLUG = {body.slug: body for body in BODIES}
ORGS_BY_KVK = {org.kvk: org for org in ORGANISATIONS}

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _final_status(story: DemoStory) -> str:
    """Replay a story's steps and return its final status; fail on an illegal move."""
    status = ""
    for index, step in enumerate(story.history):
        if index == 0:
            assert step == "initial", story
            status = "valid"
        elif step in ("surveillance", "recertification"):
            assert status == "valid", story
        elif step in ("suspend", "surveillance_refused"):
            assert status == "valid", story
            status = "suspended"
        elif step == "reinstate":
            assert status == "suspended", story
            status = "valid"
        elif step == "withdraw":
            assert status in ("valid", "suspended"), story
            status = "withdrawn"
        elif step == "expire":
            assert status in ("valid", "suspended"), story
            status = "expired"
        else:
            pytest.fail(f"unknown step {step!r} in {story}")
    return status


def test_schemes_are_unique_and_the_web_shop_scheme_has_two_versions() -> None:
    assert len(SCHEMES) >= 3
    assert len(SCHEMES_BY_SLUG) == len(SCHEMES)
    assert {"webwinkel-keur", "klantenservice-keur", "duurzaam-keur"} <= set(SCHEMES_BY_SLUG)
    assert len(SCHEMES_BY_SLUG["webwinkel-keur"].versions) == 2


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda s: s.slug)
def test_scheme_profile(scheme: DemoScheme) -> None:
    assert scheme.versions
    assert 0 < scheme.surveillance_interval_months < scheme.max_validity_months
    for text in (
        scheme.name_nl,
        scheme.name_en,
        scheme.owner,
        scheme.description_nl,
        scheme.description_en,
        scheme.audited_by_nl,
        scheme.audited_by_en,
        scheme.sanctions_nl,
        scheme.sanctions_en,
    ):
        assert text.strip() == text and text


@pytest.mark.parametrize("scheme", SCHEMES, ids=lambda s: s.slug)
def test_scheme_versions_have_sound_criteria(scheme: DemoScheme) -> None:
    for version in scheme.versions:
        assert 10 <= len(version) <= 25
        codes = [criterion.code for criterion in version]
        assert len(set(codes)) == len(codes)
        prefix = codes[0].split("-")[0]
        assert all(re.fullmatch(rf"{prefix}-\d+\.\d+", code) for code in codes)
        assert {c.dimension for c in version} == set(DIMENSIONS)
        assert {c.method for c in version} <= set(METHODS)
        mandatory = sum(c.mandatory for c in version)
        assert len(version) / 2 < mandatory < len(version)
        for c in version:
            for text in (c.title_nl, c.title_en, c.checked_nl, c.checked_en):
                assert text.strip() == text and text


def test_every_method_is_used() -> None:
    used = {c.method for scheme in SCHEMES for version in scheme.versions for c in version}
    assert used == set(METHODS)


def test_later_web_shop_version_changes_and_adds_criteria() -> None:
    v1, v2 = SCHEMES_BY_SLUG["webwinkel-keur"].versions
    by_code_1 = {c.code: c for c in v1}
    by_code_2 = {c.code: c for c in v2}
    assert set(by_code_1) < set(by_code_2)
    assert any(by_code_1[code] != by_code_2[code] for code in by_code_1)


def test_organisations_have_unique_kvk_numbers_and_domains() -> None:
    assert 32 <= len(ORGANISATIONS) <= 40
    kvks = [org.kvk for org in ORGANISATIONS]
    assert len(set(kvks)) == len(kvks)
    assert all(re.fullmatch(r"9\d{7}", kvk) for kvk in kvks)
    assert all(org.country == "NL" for org in ORGANISATIONS)
    assert len({org.legal_name for org in ORGANISATIONS}) == len(ORGANISATIONS)
    assert any(not org.legal_name.isascii() for org in ORGANISATIONS)

    encoded: list[str] = []
    for org in ORGANISATIONS:
        assert org.domains
        for domain in org.domains:
            assert domain == domain.lower().strip()
            assert not domain.startswith("www.")
            ascii_domain = domain.encode("idna").decode("ascii")
            labels = ascii_domain.split(".")
            assert labels[-1] in ("example", "test")
            assert all(_LABEL.match(label) for label in labels), domain
            encoded.append(ascii_domain)
    assert len(set(encoded)) == len(encoded)
    assert any(not d.isascii() for org in ORGANISATIONS for d in org.domains)
    assert any(len(org.domains) > 1 for org in ORGANISATIONS)


def test_bodies_have_admins_auditors_and_known_schemes() -> None:
    assert 2 <= len(BODIES) <= 3
    assert len(BODIES_BY_SLUG) == len(BODIES)
    assert any(set(b.scheme_slugs) == set(SCHEMES_BY_SLUG) for b in BODIES)
    assert any(set(b.scheme_slugs) < set(SCHEMES_BY_SLUG) for b in BODIES)
    people: list[str] = []
    for body in BODIES:
        assert set(body.scheme_slugs) <= set(SCHEMES_BY_SLUG)
        assert body.accrediting_body == "Raad voor Accreditatie (RvA)"
        assert re.fullmatch(r"C \d{3}", body.accreditation_number)
        assert len(body.admins) >= 2
        assert 2 <= len(body.auditors) <= 3
        assert any(not affiliations for _, affiliations in body.auditors)
        for _, affiliations in body.auditors:
            assert set(affiliations) <= set(ORGS_BY_KVK)
        people += list(body.admins) + [name for name, _ in body.auditors]
    assert len(set(people)) == len(people)
    assert any(affs for body in BODIES for _, affs in body.auditors)


def test_one_story_per_organisation() -> None:
    assert sorted(s.organisation_kvk for s in STORIES) == sorted(ORGS_BY_KVK)


@pytest.mark.parametrize("story", STORIES, ids=lambda s: s.organisation_kvk)
def test_story_is_consistent(story: DemoStory) -> None:
    assert story.organisation_kvk in ORGS_BY_KVK
    scheme = SCHEMES_BY_SLUG[story.scheme_slug]
    body = BODIES_BY_SLUG[story.body_slug]
    assert story.scheme_slug in body.scheme_slugs
    assert any(story.organisation_kvk not in affs for _, affs in body.auditors)

    assert set(story.history) <= set(STEPS)
    status = _final_status(story)
    reasoned = [step for step in story.history if step in REASONED_STEPS]
    assert len(story.reasons) == len(reasoned)
    for reason in story.reasons:
        assert reason.nl and reason.en

    assert story.months_ago >= len(story.history)
    surveillances = story.history.count("surveillance") + story.history.count(
        "surveillance_refused"
    )
    assert surveillances * scheme.surveillance_interval_months <= story.months_ago
    validity = scheme.max_validity_months
    if status == "expired":
        assert story.history[-1] == "expire"
        assert "recertification" not in story.history
        assert story.months_ago >= validity
    elif "recertification" in story.history:
        assert validity <= story.months_ago < 2 * validity
    else:
        assert story.months_ago < validity


def test_every_status_and_transition_appears() -> None:
    finals = Counter(_final_status(story) for story in STORIES)
    assert set(finals) == {"valid", "suspended", "withdrawn", "expired"}
    assert finals["valid"] > len(STORIES) / 2
    assert finals["withdrawn"] >= 3
    assert finals["expired"] >= 3
    steps = Counter(step for story in STORIES for step in set(story.history))
    assert steps["recertification"] >= 2
    assert steps["reinstate"] >= 2
    assert steps["suspend"] >= 4
    assert steps["surveillance"] >= 10
    # Trust over time: a surveillance refused for a major nonconformity suspends.
    assert steps["surveillance_refused"] >= 1
    assert {s.scheme_slug for s in STORIES} == set(SCHEMES_BY_SLUG)
    assert {s.body_slug for s in STORIES} == set(BODIES_BY_SLUG)


def test_every_scheme_has_its_profile_in_both_languages() -> None:
    from registry.demo_data import SCHEME_PROFILES
    from registry.schemes.schemas import SchemeCreate

    fields = {
        "criteria_set_by",
        "stakeholders",
        "ambition",
        "control",
        "transparency",
        "complaints",
    }
    for scheme in SCHEMES:
        profile = SCHEME_PROFILES[scheme.slug]
        assert set(profile) == {f"{f}_{lang}" for f in fields for lang in ("nl", "en")}
        assert all(text.strip() for text in profile.values())
        assert set(profile) <= set(SchemeCreate.__struct_fields__)
