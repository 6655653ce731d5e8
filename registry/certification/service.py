"""Certification use cases: an auditor submits an assessment, a decider decides on it,
and a positive decision issues (or renews) the certificate. ``certify_batch`` runs the
same steps for many assessments in one transaction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from registry.certificates import store as certificates
from registry.certification import assessments, batch, decisions, drafts
from registry.certification.schemas import (
    AssessmentCreate,
    AssessmentPublic,
    DecisionCreate,
    DecisionPublic,
    DraftSummary,
)
from registry.db.tables import Certificate
from registry.edge.schemas import Page
from registry.identity.auth import Actor, record_write
from registry.transparency.unit_of_work import UnitOfWork


class CertificationService:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def _issuer(self, session: Session) -> certificates.Issuer:
        settings = self.uow.settings
        return certificates.signing_issuer(
            session, self.uow.keyring.signer(session), settings.public_url, settings.issuer_url
        )

    def submit_assessment(
        self, actor: Actor, data: AssessmentCreate, from_draft: int | None = None
    ) -> AssessmentPublic:
        """Check and store an assessment; ``from_draft``: the actor's draft it came from,
        removed in the same transaction (kept when a rule refuses the assessment)."""
        with self.uow.write(actor, "submit_assessment") as session:
            stored = assessments.submit(session, actor, data, self.uow.clock())
            if from_draft is not None:
                drafts.delete(session, actor, from_draft)
            return assessments.assessment_public(session, stored)

    def drafts(self, actor: Actor) -> list[DraftSummary]:
        """The actor's own unfinished assessments, newest first."""
        with self.uow.db.read() as session:
            return drafts.summaries(session, actor)

    def draft(self, actor: Actor, draft_id: int) -> dict[str, str]:
        """The form values of one of the actor's drafts; NotFoundError for anyone else's."""
        with self.uow.db.read() as session:
            return drafts.content(session, actor, draft_id)

    def save_draft(
        self, actor: Actor, draft_id: int | None, title: str, values: dict[str, str]
    ) -> int:
        """Keep the form's values, unchecked, for the actor alone; returns the draft's id."""
        with self.uow.db.write() as session:
            return drafts.save(session, actor, draft_id, title, values, self.uow.clock())

    def delete_draft(self, actor: Actor, draft_id: int) -> None:
        with self.uow.db.write() as session:
            drafts.delete(session, actor, draft_id)

    def assessment(self, actor: Actor, public_id: str) -> AssessmentPublic:
        with self.uow.db.read() as session:
            found = assessments.assessment_by_id(session, public_id)
            assessments.visible_to(actor, found)
            return assessments.assessment_public(session, found)

    def assessments(
        self, actor: Actor, status: str | None, limit: int, cursor: int | None
    ) -> Page[AssessmentPublic]:
        with self.uow.db.read() as session:
            return assessments.list_for_body(session, actor, status, limit, cursor)

    def decide(self, actor: Actor, assessment_id: str, data: DecisionCreate) -> DecisionPublic:
        with self.uow.write(actor, "decide") as session:
            now = self.uow.clock()
            decision = decisions.decide(
                session, self._issuer(session), actor, assessment_id, data, now
            )
            certificate = (
                session.get(Certificate, decision.certificate_id)
                if decision.certificate_id
                else None
            )
            return DecisionPublic(
                assessment=assessment_id,
                outcome=decision.outcome,
                decided_at=decision.decided_at,
                decided_by=actor.pseudonym,
                certificate=certificate.code if certificate is not None else None,
                reason_nl=decision.reason,
                reason_en=decision.reason_en,
                action=decision.action,  # type: ignore[arg-type]
                deadline=decision.deadline,
            )

    def certify_batch(
        self, auditor: Actor, decider: Actor, items: Sequence[AssessmentCreate], reason: str
    ) -> list[str]:
        """Submit each initial assessment as ``auditor`` and certify it as ``decider``, all
        in one transaction under one checkpoint: for bulk loads (a body moving its
        register in). The same rules, rows and log entries as ``submit_assessment`` and
        ``decide`` one by one (four-eyes included); one refused item refuses the batch.
        Returns the certificate codes in order."""
        with self.uow.write(auditor, "certify_batch") as session:
            codes = batch.certify_initial(
                session, self._issuer(session), auditor, decider, items, reason, self.uow.clock()
            )
            record_write(session, decider, "certify_batch", self.uow.clock())
        return codes
