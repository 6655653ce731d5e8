"""C2SP tlog-proof: an offline proof that an entry is in a log (c2sp.org/tlog-proof).

    c2sp.org/tlog-proof@v1
    extra <base64 of opaque extra data>      (optional)
    index <decimal, no leading zeroes>
    <inclusion proof hash in base64>         (zero or more, leaf's sibling first)
    <empty line>
    <the signed checkpoint note, verbatim>

The extra data is not authenticated by the format itself. When it carries the exact
entry bytes, as the registry's bundles do, checking the proof against the leaf hash of
those bytes authenticates them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from registry.tlog.checkpoint import Checkpoint
from registry.tlog.encoding import MAX_INT64, b64decode, b64encode, parse_decimal
from registry.tlog.errors import ProofBundleError
from registry.tlog.hashing import Hash, is_hash, leaf_hash
from registry.tlog.merkle import verify_inclusion
from registry.tlog.note import NoteVerifier, open_note

HEADER: Final = "c2sp.org/tlog-proof@v1"
MAX_PROOF_HASHES: Final = 63  # a tree of at most 2**63 - 1 leaves has paths no longer


@dataclass(frozen=True, slots=True)
class ProofBundle:
    """An entry's index, its inclusion proof, the signed checkpoint and optional extra data.

    Raises ProofBundleError on an out-of-range index, a malformed hash, empty extra data
    (omit it instead) or a checkpoint note that does not end in a newline.
    """

    index: int
    proof: tuple[Hash, ...]
    checkpoint: bytes
    extra: bytes | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.index <= MAX_INT64:
            raise ProofBundleError(f"proof bundle index out of range: {self.index}")
        if len(self.proof) > MAX_PROOF_HASHES:
            raise ProofBundleError(f"proof bundle has more than {MAX_PROOF_HASHES} hashes")
        for i, value in enumerate(self.proof):
            if not is_hash(value):
                raise ProofBundleError(f"proof bundle hash {i} must be 32 bytes, got {len(value)}")
        if not self.checkpoint.endswith(b"\n"):
            raise ProofBundleError("proof bundle checkpoint must end with a newline")
        if self.extra is not None and not self.extra:
            raise ProofBundleError("proof bundle extra data must not be empty; omit it")

    def to_bytes(self) -> bytes:
        """The bundle in the c2sp.org/tlog-proof text format."""
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {b64encode(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(b64encode(h) for h in self.proof)
        return ("\n".join(lines) + "\n\n").encode() + self.checkpoint

    @classmethod
    def parse(cls, data: bytes) -> ProofBundle:
        """A bundle from the c2sp.org/tlog-proof text format, strictly.

        The checkpoint is kept verbatim; :func:`verify_proof_bundle` opens it. Raises
        ProofBundleError.
        """
        lines = _Lines(data)
        if lines.next() != HEADER:
            raise ProofBundleError(f"proof bundle must start with {HEADER}")
        line = lines.next()
        extra: bytes | None = None
        if line.startswith("extra "):
            extra = _decode(line.removeprefix("extra "), "extra data")
            line = lines.next()
        if not line.startswith("index "):
            raise ProofBundleError("proof bundle needs an index line")
        try:
            index = parse_decimal(line.removeprefix("index "))
        except ValueError:
            raise ProofBundleError("proof bundle index is not a canonical decimal") from None
        proof: list[Hash] = []
        while (line := lines.next()) != "":
            if len(proof) == MAX_PROOF_HASHES:
                raise ProofBundleError(f"proof bundle has more than {MAX_PROOF_HASHES} hashes")
            proof.append(Hash(_decode(line, f"hash {len(proof)}")))
        checkpoint = lines.rest()
        if not checkpoint:
            raise ProofBundleError("proof bundle has no checkpoint")
        return cls(index, tuple(proof), checkpoint, extra)


@dataclass(frozen=True, slots=True)
class VerifiedProof:
    """What a verified bundle proves: this entry is at ``index`` under ``checkpoint``."""

    checkpoint: Checkpoint
    index: int
    entry: bytes
    signers: tuple[str, ...]


def verify_proof_bundle(
    bundle: ProofBundle,
    verifiers: Sequence[NoteVerifier],
    *,
    entry: bytes | None = None,
    origin: str | None = None,
) -> VerifiedProof:
    """Check a bundle: the checkpoint's signature, its origin, then the inclusion proof.

    The leaf is ``entry`` if given, else the bundle's extra data. Without ``origin``, the
    checkpoint's origin must be the name of a key that signed it (the log signs under its
    origin). Raises NoteError (and subclasses) for the signature, CheckpointError for
    the checkpoint text, ProofBundleError for a missing entry or a wrong origin,
    ProofError for the proof.
    """
    opened = open_note(bundle.checkpoint, verifiers)
    checkpoint = Checkpoint.parse(opened.text)
    if origin is not None and checkpoint.origin != origin:
        raise ProofBundleError("checkpoint is from another log: origin does not match")
    if origin is None and checkpoint.origin not in opened.signers:
        raise ProofBundleError("checkpoint is not signed by a key named after its origin")
    data = entry if entry is not None else bundle.extra
    if data is None:
        raise ProofBundleError("no entry to check: give one or use a bundle with extra data")
    verify_inclusion(
        leaf_hash(data), bundle.index, checkpoint.size, bundle.proof, checkpoint.root_hash
    )
    return VerifiedProof(checkpoint, bundle.index, data, opened.signers)


class _Lines:
    """Newline-terminated ASCII lines from the front of ``data``, then the rest verbatim."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def next(self) -> str:
        end = self._data.find(b"\n", self._pos)
        if end < 0:
            raise ProofBundleError("proof bundle ends early")
        raw = self._data[self._pos : end]
        self._pos = end + 1
        if not raw.isascii():
            raise ProofBundleError("proof bundle header lines must be ASCII")
        return raw.decode("ascii")

    def rest(self) -> bytes:
        return self._data[self._pos :]


def _decode(text: str, what: str) -> bytes:
    try:
        value = b64decode(text)
    except ValueError:
        raise ProofBundleError(f"proof bundle {what} is not canonical base64") from None
    if not value:
        raise ProofBundleError(f"proof bundle {what} is empty")
    return value
