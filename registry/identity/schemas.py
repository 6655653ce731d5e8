"""The identity feature's input (``*Create``) and output (``*Public``) shapes."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from registry.edge.schemas import Input, Output


class TokenCreate(Input, kw_only=True):
    label: Annotated[str, Meta(max_length=200)] = ""


class TokenIssued(Output, kw_only=True):
    """The token is shown once; only its hash is stored."""

    id: int
    token: str
    role: str
    person: str
