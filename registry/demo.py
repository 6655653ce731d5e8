"""``registry demo``: realistic demo data, fed through the same services as real data.

Every story is replayed in time order on a simulated clock (audits months ago, then
surveillance, suspensions, renewals), so the history and the log read as they would
have happened. A registry that already holds the demo is left as it is: the demo
appends, it never rewrites.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from registry.bodies.schemas import AccreditationCreate, AffiliationCreate, BodyCreate, PersonCreate
from registry.bootstrap import Services
from registry.certification.schemas import (
    AssessmentCreate,
    DecisionCreate,
    FindingCreate,
    FindingPublic,
    OrganisationCreate,
)
from registry.clock import Clock
from registry.demo_data import (
    BODIES,
    ORGANISATIONS,
    SCHEME_PROFILES,
    SCHEMES,
    STORIES,
    DemoScheme,
    DemoStory,
)
from registry.domain.reasons import Reason
from registry.domain.status import Transition
from registry.errors import NotFoundError
from registry.identity.auth import Actor
from registry.schemes.schemas import CriterionCreate, SchemeCreate, SchemeVersionCreate

DAY = timedelta(days=1)
MONTH = timedelta(days=30)


class SimulatedClock:
    """A clock the demo moves forward through its stories, never past the real now."""

    def __init__(self, real: Clock) -> None:
        self.real = real
        self.now = real()

    def __call__(self) -> datetime:
        return min(self.now, self.real())


@dataclass
class Cast:
    staff: Actor
    admins: dict[str, list[Actor]]
    auditors: dict[str, list[tuple[Actor, tuple[str, ...]]]]


@dataclass(frozen=True)
class _Step:
    at: datetime
    order: int
    run: Callable[[], None]


def run_demo(service: Services, real_clock: Clock) -> str:
    """Fill the registry with the demo; returns a one-line summary."""
    try:
        service.schemes.scheme(SCHEMES[0].slug)
        return "the demo data is already in this registry; nothing was changed"
    except NotFoundError:
        pass
    clock = SimulatedClock(real_clock)
    service.uow.clock = clock
    try:
        now = real_clock()
        start = now - MONTH * (max(s.months_ago for s in STORIES) + 2)
        clock.now = start
        service.transparency.cover_history_from(start)
        cast = setup_cast(service, start)
        steps: list[_Step] = []
        for order, story in enumerate(STORIES):
            steps.extend(_story_steps(service, cast, story, now, order))
        for step in sorted(steps, key=lambda s: (s.at, s.order)):
            clock.now = step.at
            step.run()
        clock.now = now
        expired = service.certificates.expire_due()
    finally:
        service.uow.clock = real_clock
    return f"demo registry ready: {len(STORIES)} certificates, {len(expired)} expired by the sweep"


def setup_cast(service: Services, start: datetime) -> Cast:
    staff_token = service.identity.create_staff_token("Demo staff", "demo")
    staff = service.identity.authenticate(staff_token.token)
    for scheme in SCHEMES:
        service.schemes.create_scheme(staff, _scheme_create(scheme))
        for criteria in scheme.versions:
            service.schemes.publish_version(
                staff,
                scheme.slug,
                SchemeVersionCreate(
                    criteria=[
                        CriterionCreate(
                            code=c.code,
                            title_nl=c.title_nl,
                            title_en=c.title_en,
                            checked_nl=c.checked_nl,
                            checked_en=c.checked_en,
                            method=c.method,  # type: ignore[arg-type]
                            dimension=c.dimension,  # type: ignore[arg-type]
                            mandatory=c.mandatory,
                        )
                        for c in criteria
                    ]
                ),
            )
    admins: dict[str, list[Actor]] = {}
    auditors: dict[str, list[tuple[Actor, tuple[str, ...]]]] = {}
    for body in BODIES:
        service.bodies.register_body(
            staff,
            BodyCreate(slug=body.slug, name=body.name, country=body.country, website=body.website),
        )
        service.bodies.add_accreditation(
            staff,
            body.slug,
            AccreditationCreate(
                accrediting_body=body.accrediting_body,
                registration_number=body.accreditation_number,
                valid_from=start.date() - timedelta(days=365),
                valid_until=start.date() + timedelta(days=365 * 10),
                schemes=list(body.scheme_slugs),
            ),
        )
        admins[body.slug] = []
        # Each person is invited by e-mail (the links land in the mail folder, so the
        # demo's people can sign in at /account) and acts as themselves from then on.
        for name in body.admins:
            inviter = admins[body.slug][0] if admins[body.slug] else staff
            person = service.bodies.add_person(
                inviter,
                body.slug,
                PersonCreate(name=name, email=_demo_email(name, body.slug), role="body_admin"),
            )
            admins[body.slug].append(service.identity.accounts.actor_in(person.id))
        auditors[body.slug] = []
        for name, affiliations in body.auditors:
            person = service.bodies.add_person(
                admins[body.slug][0], body.slug, _auditor_create(name, body.slug, affiliations)
            )
            auditors[body.slug].append(
                (service.identity.accounts.actor_in(person.id), affiliations)
            )
    return Cast(staff=staff, admins=admins, auditors=auditors)


def _demo_email(name: str, slug: str) -> str:
    """A demo person's address in the reserved ``.example`` domain."""
    local = ".".join("".join(c for c in part.lower() if c.isalnum()) for part in name.split())
    return f"{local}@{slug}.example"


def _auditor_create(name: str, slug: str, affiliations: tuple[str, ...]) -> PersonCreate:
    return PersonCreate(
        name=name,
        email=_demo_email(name, slug),
        role="auditor",
        affiliations=[
            AffiliationCreate(registration_number=k, description="former employee")
            for k in affiliations
        ],
    )


def _scheme_create(scheme: DemoScheme) -> SchemeCreate:
    return SchemeCreate(
        slug=scheme.slug,
        name_nl=scheme.name_nl,
        name_en=scheme.name_en,
        owner=scheme.owner,
        description_nl=scheme.description_nl,
        description_en=scheme.description_en,
        audited_by_nl=scheme.audited_by_nl,
        audited_by_en=scheme.audited_by_en,
        accreditation_required=scheme.accreditation_required,
        surveillance_interval_months=scheme.surveillance_interval_months,
        max_validity_months=scheme.max_validity_months,
        sanctions_nl=scheme.sanctions_nl,
        sanctions_en=scheme.sanctions_en,
        **SCHEME_PROFILES.get(scheme.slug, {}),
    )


def _story_steps(
    service: Services, cast: Cast, story: DemoStory, now: datetime, order: int
) -> list[_Step]:
    """The timed steps of one story; each runs through the services as a person would."""
    organisation = next(o for o in ORGANISATIONS if o.kvk == story.organisation_kvk)
    scheme = next(s for s in SCHEMES if s.slug == story.scheme_slug)
    auditor = next(
        a
        for a, affiliated in cast.auditors[story.body_slug]
        if story.organisation_kvk not in affiliated
    )
    admin = cast.admins[story.body_slug][0]
    t0 = datetime.combine((now - MONTH * story.months_ago).date(), time(10, 0), tzinfo=UTC)
    timed = [h for h in story.history if h != "expire"]
    spacing = (now - t0) / (len(timed) + 1) if len(timed) > 1 else MONTH
    state: dict[str, str] = {}
    reasons = iter(story.reasons)
    steps: list[_Step] = []

    def audit(kind: str, version: int, refusal: Reason | None = None) -> Callable[[], None]:
        def run() -> None:
            today = service.uow.clock().date()
            data = AssessmentCreate(
                type=kind,  # type: ignore[arg-type]
                scheme=scheme.slug,
                scheme_version=version,
                organisation=OrganisationCreate(
                    legal_name=organisation.legal_name,
                    country=organisation.country,
                    registration_number=organisation.kvk,
                ),
                certificate=state.get("code"),
                audit_start=today - 3 * DAY,
                audit_end=today - DAY,
                scope=f"Online sales through {', '.join(organisation.domains)}",
                domains=list(organisation.domains),
                findings=demo_findings(
                    scheme, version, organisation.kvk + kind + str(today), major=refusal is not None
                ),
            )
            submitted = service.certification.submit_assessment(auditor, data)
            decision = service.certification.decide(
                admin, submitted.id, _decision(submitted.findings, refusal, today)
            )
            if decision.certificate:
                state["code"] = decision.certificate

        return run

    def status(transition: Transition, reason: Reason) -> Callable[[], None]:
        def run() -> None:
            service.certificates.change_status(admin, state["code"], transition, reason)

        return run

    latest = len(scheme.versions)
    for index, step in enumerate(timed):
        at = t0 + spacing * index
        if step == "initial":
            run = audit("initial", 1 if story.months_ago > 12 else latest)
        elif step == "surveillance_refused":
            reason = next(reasons)
            run = audit(
                "surveillance",
                _current_version(service, state, latest),
                Reason.of(reason.nl, reason.en),
            )
        elif step in ("surveillance", "recertification"):
            run = audit(
                step,
                latest if step == "recertification" else _current_version(service, state, latest),
            )
        else:
            reason = next(reasons)
            run = status(Transition(step), Reason.of(reason.nl, reason.en))
        steps.append(_Step(at=at, order=order, run=run))
    return steps


def _current_version(service: Services, state: dict[str, str], latest: int) -> int:
    code = state.get("code")
    return service.certificates.certificate(code).scheme_version if code else latest


def _decision(
    findings: Sequence[FindingPublic], refusal: Reason | None, today: date
) -> DecisionCreate:
    """Certify with a reason that says what was found, or (``refusal``) refuse and
    suspend, with two months to put things right."""
    if refusal is not None:
        return DecisionCreate(
            outcome="refuse",
            action="suspend",
            deadline=today + 60 * DAY,
            reason_nl=refusal.nl,
            reason_en=refusal.en,
        )
    if any(f.result == "minor_nonconformity" for f in findings):
        return DecisionCreate(
            outcome="certify",
            reason_nl="kleine tekortkomingen; verbeterplan ontvangen",
            reason_en="minor nonconformities; improvement plan received",
        )
    return DecisionCreate(
        outcome="certify",
        reason_nl="aan alle toepasselijke criteria voldaan",
        reason_en="all applicable criteria met",
    )


def demo_findings(
    scheme: DemoScheme, version: int, seed: str, *, major: bool = False
) -> list[FindingCreate]:
    """Mostly conforming, with the odd minor nonconformity, deterministic per audit;
    ``major`` makes the first mandatory criterion a major nonconformity."""
    findings = []
    first_mandatory = next(c.code for c in scheme.versions[version - 1] if c.mandatory)
    for criterion in scheme.versions[version - 1]:
        digest = hashlib.sha256((seed + criterion.code).encode()).digest()
        result = "minor_nonconformity" if digest[0] < 20 else "conforming"
        if not criterion.mandatory and digest[1] < 40:
            result = "not_applicable"
        if major and criterion.code == first_mandatory:
            result = "major_nonconformity"
        findings.append(
            FindingCreate(
                criterion=criterion.code,
                result=result,  # type: ignore[arg-type]
                evidence_summary=f"Checked by {criterion.method.replace('_', ' ')}.",
                evidence_digests=[hashlib.sha256(digest).hexdigest()],
            )
        )
    return findings
