"""Errors of the transparency log package, all in the registry's family.

Messages name sizes, indexes, key names and key ids, never key material.

    RegistryError
    ├── SignerError                a note signer produced a signature its key does not verify
    ├── NotFoundError
    │   └── MissingHashError       the hash store lacks a hash that the tree size implies
    └── InvalidInputError
        ├── ProofError             an out-of-range index or size, or a proof that fails
        ├── CheckpointError        not a C2SP tlog-checkpoint
        ├── VerifierKeyError       not a C2SP signed-note verifier key
        ├── NoteError              not a well-formed C2SP signed note
        │   ├── UnverifiedNoteError    no signature from a known key
        │   └── InvalidSignatureError  a known key's signature does not verify
        ├── TileError              a bad tile path, tile data or entry bundle
        └── ProofBundleError       not a C2SP tlog-proof
"""

from __future__ import annotations

from registry.errors import InvalidInputError, NotFoundError, RegistryError


class SignerError(RegistryError):
    """A signer returned a signature that its own public key rejects (a wiring fault)."""

    rule = "signer-mismatch"


class MissingHashError(NotFoundError):
    rule = "missing-hash"


class ProofError(InvalidInputError):
    rule = "invalid-proof"


class CheckpointError(InvalidInputError):
    rule = "invalid-checkpoint"


class VerifierKeyError(InvalidInputError):
    rule = "invalid-verifier-key"


class NoteError(InvalidInputError):
    rule = "invalid-note"


class UnverifiedNoteError(NoteError):
    rule = "unverified-note"


class InvalidSignatureError(NoteError):
    rule = "invalid-note-signature"


class TileError(InvalidInputError):
    rule = "invalid-tile"


class ProofBundleError(InvalidInputError):
    rule = "invalid-proof-bundle"


class PolicyError(InvalidInputError):
    """Not a C2SP tlog-policy file."""

    rule = "invalid-policy"


class QuorumError(InvalidInputError):
    """A checkpoint that the policy does not accept."""

    rule = "no-quorum"
