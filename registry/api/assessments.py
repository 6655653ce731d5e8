"""Assessments (auditors) and certification decisions (body admins)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import Parameter

from registry.services.auth import Actor
from registry.services.registry import RegistryService
from registry.services.schemas import (
    AssessmentCreate,
    AssessmentPublic,
    DecisionCreate,
    DecisionPublic,
    Page,
)


class AssessmentController(Controller):
    path = "/api/v1/assessments"
    tags = ("assessments",)

    @post("/", operation_id="SubmitAssessment", sync_to_thread=True)
    def submit(
        self, registry: RegistryService, actor: Actor, data: AssessmentCreate
    ) -> AssessmentPublic:
        """Submit an assessment, one finding per criterion (auditor)."""
        return registry.submit_assessment(actor, data)

    @get("/", operation_id="ListAssessments", sync_to_thread=True)
    def list_assessments(
        self,
        registry: RegistryService,
        actor: Actor,
        status: Annotated[str | None, Parameter(pattern=r"^(submitted|certified|refused)$")] = None,
        limit: Annotated[int, Parameter(ge=1, le=200)] = 50,
        cursor: Annotated[int | None, Parameter(ge=1)] = None,
    ) -> Page[AssessmentPublic]:
        """Your body's assessments, newest first; ``status=submitted`` is the decision queue."""
        return registry.assessments(actor, status, limit, cursor)

    @get("/{assessment_id:str}", operation_id="GetAssessment", sync_to_thread=True)
    def get_assessment(
        self, registry: RegistryService, actor: Actor, assessment_id: str
    ) -> AssessmentPublic:
        return registry.assessment(actor, assessment_id)

    @post("/{assessment_id:str}/decision", operation_id="DecideAssessment", sync_to_thread=True)
    def decide(
        self, registry: RegistryService, actor: Actor, assessment_id: str, data: DecisionCreate
    ) -> DecisionPublic:
        """The certification decision, by a body admin who did not audit (four-eyes)."""
        return registry.decide(actor, assessment_id, data)
