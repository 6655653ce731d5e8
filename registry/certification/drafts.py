"""An auditor's unfinished assessments, kept on the server for their person alone.

A draft is the portal form's values, unchecked: the rules apply when it is submitted.
It is bounded (its size and how many one person keeps), since anyone with an auditor
membership could otherwise make the registry store without end.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session, col, func, select

from registry.certification.schemas import DraftSummary
from registry.db.tables import AssessmentDraft, pk
from registry.domain.vocabulary import Role
from registry.errors import InvalidInputError, NotFoundError
from registry.identity.auth import Actor

MAX_DRAFT_BYTES = 256 * 1024
MAX_DRAFTS = 50
MAX_FIELDS = 4000


def _own(session: Session, actor: Actor, draft_id: int) -> AssessmentDraft:
    """The actor's draft; another person's is as unknown as one that does not exist."""
    actor.require(Role.AUDITOR)
    found = session.get(AssessmentDraft, draft_id)
    if found is None or found.person_id != actor.person_id or found.body_id != actor.body_id:
        raise NotFoundError(f"no draft {draft_id} of yours")
    return found


def summaries(session: Session, actor: Actor) -> list[DraftSummary]:
    actor.require(Role.AUDITOR)
    rows = session.exec(
        select(AssessmentDraft)
        .where(
            AssessmentDraft.person_id == actor.person_id,
            AssessmentDraft.body_id == actor.body_id,
        )
        .order_by(col(AssessmentDraft.updated_at).desc())
    )
    return [DraftSummary(id=pk(d), title=d.title, updated_at=d.updated_at) for d in rows]


def content(session: Session, actor: Actor, draft_id: int) -> dict[str, str]:
    loaded = json.loads(_own(session, actor, draft_id).content)
    return {str(k): str(v) for k, v in loaded.items()}


def save(
    session: Session,
    actor: Actor,
    draft_id: int | None,
    title: str,
    values: dict[str, str],
    now: datetime,
) -> int:
    """Store the form's values as a new draft or over the actor's draft ``draft_id``.

    Raises InvalidInputError for a draft over the size or count bound.
    """
    actor.require(Role.AUDITOR)
    assert actor.body_id is not None
    if len(values) > MAX_FIELDS:
        raise InvalidInputError(f"a draft holds at most {MAX_FIELDS} fields")
    text = json.dumps(values, ensure_ascii=False, sort_keys=True)
    if len(text.encode("utf-8")) > MAX_DRAFT_BYTES:
        raise InvalidInputError(f"a draft holds at most {MAX_DRAFT_BYTES // 1024} KiB")
    if draft_id is not None:
        draft = _own(session, actor, draft_id)
        draft.title, draft.content, draft.updated_at = title[:300], text, now
        session.add(draft)
        return pk(draft)
    held = session.exec(
        select(func.count()).where(AssessmentDraft.person_id == actor.person_id)
    ).one()
    if held >= MAX_DRAFTS:
        raise InvalidInputError(
            f"you keep {held} drafts, the most there may be; submit or delete one first"
        )
    draft = AssessmentDraft(
        person_id=actor.person_id,
        body_id=actor.body_id,
        title=title[:300],
        content=text,
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    session.flush()
    return pk(draft)


def delete(session: Session, actor: Actor, draft_id: int) -> None:
    session.delete(_own(session, actor, draft_id))
