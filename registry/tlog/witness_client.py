"""The client side of C2SP tlog-witness v1.0.0 ``add-checkpoint``: the request body and
the reading of a witness's answers. Pure: the caller does the HTTP."""

from __future__ import annotations

from collections.abc import Sequence

from registry.tlog.encoding import b64encode, parse_decimal
from registry.tlog.errors import ProofError

SIZE_MEDIA_TYPE = "text/x.tlog.size"
MAX_PROOF_LINES = 63


def add_checkpoint_body(old_size: int, proof: Sequence[bytes], note: bytes) -> bytes:
    """``old <size>``, one base64 hash a line, an empty line, then the signed checkpoint."""
    if old_size < 0:
        raise ProofError(f"old size must not be negative, got {old_size}")
    if len(proof) > MAX_PROOF_LINES:
        raise ProofError(f"a witness takes at most {MAX_PROOF_LINES} proof lines, got {len(proof)}")
    if old_size == 0 and proof:
        raise ProofError("the proof from old size 0 must be empty")
    lines = [f"old {old_size}", *(b64encode(h) for h in proof)]
    return ("".join(line + "\n" for line in lines) + "\n").encode("ascii") + note


def conflict_size(content_type: str, body: bytes) -> int | None:
    """The witness's latest cosigned size from a 409 answer, or None when the 409 is not
    a size mismatch (``text/x.tlog.size``, a decimal and a newline)."""
    if content_type.split(";", 1)[0].strip().lower() != SIZE_MEDIA_TYPE:
        return None
    if not body.endswith(b"\n"):
        return None
    try:
        return parse_decimal(body[:-1].decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return None
