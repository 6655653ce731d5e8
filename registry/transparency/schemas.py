"""The transparency feature's input (``*Create``) and output (``*Public``) shapes."""

from __future__ import annotations

from registry.edge.schemas import Output


class InclusionProof(Output, kw_only=True):
    """RFC 9162 inclusion proof; hashes in standard base64, ``checkpoint`` the latest signed one."""

    index: int
    tree_size: int
    leaf_hash: str
    hashes: list[str]
    checkpoint: str


class ConsistencyProof(Output, kw_only=True):
    first: int
    second: int
    hashes: list[str]
    checkpoint: str


class LogEntryPublic(Output, kw_only=True):
    """One entry; ``entry`` is its exact text (RFC 8785 JSON), the bytes of the leaf."""

    index: int
    leaf_hash: str
    entry: str
