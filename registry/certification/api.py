"""Assessments (auditors) and certification decisions (body admins)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter

from registry.certification.schemas import (
    AssessmentCreate,
    AssessmentPublic,
    DecisionCreate,
    DecisionPublic,
)
from registry.certification.service import CertificationService
from registry.edge.schemas import Page
from registry.identity.auth import Actor


class AssessmentController(Controller):
    path = "/api/v1/assessments"
    tags = ("assessments",)

    @post("/", operation_id="SubmitAssessment", sync_to_thread=True)
    def submit(
        self, certification: CertificationService, actor: Actor, data: AssessmentCreate
    ) -> AssessmentPublic:
        """Submit an assessment, one finding per criterion (auditor)."""
        return certification.submit_assessment(actor, data)

    @get("/", operation_id="ListAssessments", sync_to_thread=True)
    def list_assessments(
        self,
        certification: CertificationService,
        actor: Actor,
        status: Annotated[str | None, Parameter(pattern=r"^(submitted|certified|refused)$")] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: Annotated[int | None, Parameter(ge=1)] = None,
    ) -> Page[AssessmentPublic]:
        """Your body's assessments, newest first; ``status=submitted`` is the decision queue."""
        return certification.assessments(actor, status, limit, cursor)

    @get("/{assessment_id:str}", operation_id="GetAssessment", sync_to_thread=True)
    def get_assessment(
        self, certification: CertificationService, actor: Actor, assessment_id: str
    ) -> AssessmentPublic:
        return certification.assessment(actor, assessment_id)

    @post("/{assessment_id:str}/decision", operation_id="DecideAssessment", sync_to_thread=True)
    def decide(
        self,
        certification: CertificationService,
        actor: Actor,
        assessment_id: str,
        data: DecisionCreate,
    ) -> DecisionPublic:
        """The certification decision, by a body admin who did not audit (four-eyes)."""
        return certification.decide(actor, assessment_id, data)
