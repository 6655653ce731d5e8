"""tlog-witness v1.0.0 ``add-checkpoint``: check a checkpoint, then cosign it.

The checks run in the order the specification gives them, each with its own status:
a malformed request 400; an unknown origin 404; no valid signature from a key the
witness trusts for that origin 403; an old size above the checkpoint's 400; an old size
other than the size of the latest checkpoint cosigned for the origin 409, with that size
as the body (``text/x.tlog.size``); a consistency proof that does not verify 422; the
same size with another root hash 409. Only then is the checkpoint stored and cosigned,
in one transaction with the check (see :mod:`registry.witness.store`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from registry.errors import RegistryError
from registry.tlog import (
    Checkpoint,
    Hash,
    InvalidSignatureError,
    NoteError,
    ProofError,
    UnverifiedNoteError,
    VerifierKeyError,
    open_note,
    parse_verifier_key,
    verify_consistency,
)
from registry.tlog.encoding import b64decode, parse_decimal
from registry.tlog.hashing import EMPTY_ROOT
from registry.witness.keys import WitnessKeys
from registry.witness.store import WitnessStore

MAX_BODY = 64 * 1024
MAX_PROOF_LINES = 63
SIZE_MEDIA_TYPE = "text/x.tlog.size"


@dataclass
class Refusal(Exception):
    """An answer other than 200: its status, a reason, and a body of its own if any."""

    status: int
    reason: str
    body: str | None = None
    media_type: str = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class Request:
    old_size: int
    proof: tuple[Hash, ...]
    note: bytes


def parse_request(body: bytes) -> Request:
    """The old size line, the proof lines, a blank line, then the checkpoint note."""
    if len(body) > MAX_BODY:
        raise Refusal(400, f"request body over {MAX_BODY} bytes")
    head, sep, note = body.partition(b"\n\n")
    if not sep:
        raise Refusal(400, "no empty line between the old size and proof lines and the checkpoint")
    try:
        lines = head.decode("ascii").split("\n")
    except UnicodeDecodeError:
        raise Refusal(400, "the old size and proof lines must be ASCII") from None
    if not lines[0].startswith("old "):
        raise Refusal(400, "the first line must be 'old <size>'")
    try:
        old = parse_decimal(lines[0][4:])
    except ValueError:
        raise Refusal(400, "the old size is not a decimal without leading zeroes") from None
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise Refusal(400, f"at most {MAX_PROOF_LINES} consistency proof lines")
    proof: list[Hash] = []
    for line in lines[1:]:
        try:
            value = b64decode(line)
        except ValueError:
            raise Refusal(400, "a consistency proof line is not canonical base64") from None
        if len(value) != 32:
            raise Refusal(400, "a consistency proof line must hold one 32-byte hash")
        proof.append(Hash(value))
    return Request(old, tuple(proof), note)


class Witness:
    def __init__(self, keys: WitnessKeys, store: WitnessStore, now: Callable[[], int]) -> None:
        self.keys = keys
        self.store = store
        self.now = now

    def add_checkpoint(self, body: bytes) -> str:
        """The cosignature lines for the submitted checkpoint, or a :class:`Refusal`."""
        request = parse_request(body)
        checkpoint = self._checkpoint(request.note)
        if request.old_size > checkpoint.size:
            raise Refusal(
                400, f"old size {request.old_size} is above the checkpoint size {checkpoint.size}"
            )
        with self.store.locked() as tx:
            latest = tx.latest(checkpoint.origin)
            known_size = 0 if latest is None else latest.size
            if request.old_size != known_size:
                raise Refusal(
                    409,
                    f"old size {request.old_size} is not the latest cosigned size {known_size}",
                    body=f"{known_size}\n",
                    media_type=SIZE_MEDIA_TYPE,
                )
            old_root = Hash(EMPTY_ROOT if latest is None else latest.root_hash)
            if request.old_size == checkpoint.size:
                if request.old_size > 0 and old_root != checkpoint.root_hash:
                    raise Refusal(409, f"another root hash for the cosigned size {known_size}")
                if request.proof:
                    raise Refusal(422, "the consistency proof between equal sizes must be empty")
            elif request.old_size == 0:
                if request.proof:
                    raise Refusal(422, "the consistency proof from size 0 must be empty")
            else:
                try:
                    verify_consistency(
                        request.old_size,
                        checkpoint.size,
                        old_root,
                        checkpoint.root_hash,
                        list(request.proof),
                    )
                except ProofError as error:
                    raise Refusal(
                        422, f"consistency proof does not verify: {error.detail}"
                    ) from None
            at = self.now()
            text = checkpoint.to_text()
            tx.store(checkpoint.origin, checkpoint.size, bytes(checkpoint.root_hash), text, at)
            return "".join(c.cosign(text, at) for c in self.keys.cosigners)

    def _checkpoint(self, note: bytes) -> Checkpoint:
        """The checkpoint if a key trusted for its origin signed it (404, 403, 400)."""
        try:
            text = note.decode("utf-8")
            checkpoint = Checkpoint.parse(text[: text.index("\n\n") + 1])
        except (UnicodeDecodeError, ValueError, RegistryError):
            raise Refusal(400, "the request holds no well-formed checkpoint note") from None
        vkeys = self.store.log_keys(checkpoint.origin)
        if not vkeys:
            raise Refusal(404, f"unknown log origin {checkpoint.origin!r}")
        try:
            verifiers = [parse_verifier_key(v) for v in vkeys]
        except VerifierKeyError:
            raise Refusal(500, "a configured log key is not valid") from None
        try:
            opened = open_note(note, verifiers)
        except (UnverifiedNoteError, InvalidSignatureError):
            raise Refusal(403, "no valid signature from a key trusted for this origin") from None
        except NoteError as error:
            raise Refusal(400, f"malformed checkpoint note: {error.detail}") from None
        if opened.text != checkpoint.to_text():
            raise Refusal(400, "malformed checkpoint note")
        return checkpoint
