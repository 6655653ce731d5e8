"""Offline proof that a credential was logged: ``registry verify FILE --proof BUNDLE``.

A C2SP tlog-proof bundle whose ``extra`` carries the exact bytes of the log entry is
enough, with the log's verifier key, to show without any network that the entry is in
the log under a signed checkpoint. The credential inside the entry must then be the
file's credential byte for byte, and the entry's time is when it was logged: the time
that decides whether a credential signed by a since-compromised key still counts.

``prove_entry`` is the one check of a proof bundle: the command here and the server's
check of a certificate page (``certificates/verification.py``) both call it, and differ
only in how they report what they find.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from registry.errors import RegistryError
from registry.logcheck import errors
from registry.logcheck.errors import LogCheckError
from registry.signing import format_time, parse_time
from registry.tlog import ProofBundle, parse_verifier_key, verify_proof_bundle


@dataclass(frozen=True)
class ProvenEntry:
    """A log entry a proof bundle proves to be in the log, and where it stands there."""

    index: int
    tree_size: int
    origin: str
    signers: tuple[str, ...]
    entry: Any
    """The entry's JSON; None when its bytes are not JSON."""

    @property
    def data(self) -> dict[str, Any]:
        """The entry's ``data`` object (empty when it has none)."""
        data = self.entry.get("data") if isinstance(self.entry, dict) else None
        return data if isinstance(data, dict) else {}

    @property
    def credential(self) -> object | None:
        """The credential the entry carries (compact JWS), None when it carries none."""
        return self.data.get("credential")


def prove_entry(bundle: bytes, vkey: str) -> ProvenEntry:
    """The entry of a C2SP tlog-proof ``bundle``, proven under the log key ``vkey``: the
    checkpoint is signed by the key and the inclusion proof leads from the entry to the
    checkpoint's root. Raises RegistryError when the bundle or key is malformed or either
    check fails."""
    verified = verify_proof_bundle(ProofBundle.parse(bundle), [parse_verifier_key(vkey)])
    try:
        entry: Any = json.loads(verified.entry)
    except ValueError:
        entry = None
    return ProvenEntry(
        index=verified.index,
        tree_size=verified.checkpoint.size,
        origin=verified.checkpoint.origin,
        signers=verified.signers,
        entry=entry,
    )


@dataclass(frozen=True)
class LoggedCredential:
    """Where and when the credential was logged, as the bundle proves it."""

    index: int
    tree_size: int
    origin: str
    type: str
    logged_at: datetime
    signers: tuple[str, ...]

    def lines(self) -> list[str]:
        return [
            f"log inclusion proven: entry {self.index} ({self.type}, logged {format_time(self.logged_at)}) "
            f"is in log {self.origin} at tree size {self.tree_size}",
            f"checkpoint signature valid: signed by {', '.join(self.signers)}",
            "the credential in the log entry is this file's credential, byte for byte",
        ]


def check_inclusion(token: str, bundle: bytes, vkey: str) -> LoggedCredential:
    """Prove offline that ``token`` is the credential of an entry in the log of ``vkey``.

    Raises LogCheckError on a malformed bundle or key, a checkpoint not signed by the
    key, a failed inclusion proof, or an entry that does not carry this credential.
    """
    try:
        proven = prove_entry(bundle, vkey)
    except RegistryError as error:
        raise LogCheckError(
            f"log inclusion not proven: {error.detail}", rule=errors.NOT_LOGGED
        ) from None
    index, entry, logged = proven.index, proven.entry, proven.credential
    try:
        if "credential" not in proven.data:
            raise KeyError("credential")
        kind, at = entry["type"], parse_time(entry["time"])
    except (ValueError, KeyError, TypeError, RegistryError):
        raise LogCheckError(
            f"log entry {index} carries no credential: it is not an issuance or renewal entry",
            rule=errors.NOT_LOGGED,
        ) from None
    if logged != token:
        raise LogCheckError(
            f"the credential in log entry {index} is not this file's credential "
            "(a proof bundle for another certificate or version?)",
            rule=errors.NOT_LOGGED,
        )
    return LoggedCredential(
        index=index,
        tree_size=proven.tree_size,
        origin=proven.origin,
        type=str(kind),
        logged_at=at,
        signers=proven.signers,
    )
