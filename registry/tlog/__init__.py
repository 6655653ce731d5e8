"""The transparency log: an RFC 9162 Merkle tree, C2SP checkpoints, notes, tiles and proofs.

The package is generic: it takes entries as bytes and knows nothing of what they mean,
where the hashes are stored, or how they are served. The registry decides what goes in.
"""

from __future__ import annotations

from registry.tlog.checkpoint import Checkpoint
from registry.tlog.errors import (
    CheckpointError,
    InvalidSignatureError,
    MissingHashError,
    NoteError,
    ProofBundleError,
    ProofError,
    SignerError,
    TileError,
    UnverifiedNoteError,
    VerifierKeyError,
)
from registry.tlog.hashing import EMPTY_ROOT, Hash, LeafHash, NodeHash, leaf_hash, node_hash
from registry.tlog.memory import MemoryHashStore, MemoryTree
from registry.tlog.merkle import (
    Coord,
    HashStore,
    append_nodes,
    consistency_proof,
    inclusion_proof,
    root,
    root_from_leaves,
    verify_consistency,
    verify_inclusion,
)
from registry.tlog.note import (
    Ed25519NoteSigner,
    KeyId,
    NoteSigner,
    NoteVerifier,
    OpenedNote,
    key_id,
    open_note,
    parse_verifier_key,
    sign_note,
    verifier_key,
)
from registry.tlog.proofbundle import ProofBundle, VerifiedProof, verify_proof_bundle
from registry.tlog.tiles import (
    Tile,
    TileHashStore,
    entry_bundle,
    hash_tile,
    parse_entry_bundle,
    parse_tile_path,
    tiles_for_size,
)

__all__ = [
    "EMPTY_ROOT",
    "Checkpoint",
    "CheckpointError",
    "Coord",
    "Ed25519NoteSigner",
    "Hash",
    "HashStore",
    "InvalidSignatureError",
    "KeyId",
    "LeafHash",
    "MemoryHashStore",
    "MemoryTree",
    "MissingHashError",
    "NodeHash",
    "NoteError",
    "NoteSigner",
    "NoteVerifier",
    "OpenedNote",
    "ProofBundle",
    "ProofBundleError",
    "ProofError",
    "SignerError",
    "Tile",
    "TileError",
    "TileHashStore",
    "UnverifiedNoteError",
    "VerifiedProof",
    "VerifierKeyError",
    "append_nodes",
    "consistency_proof",
    "entry_bundle",
    "hash_tile",
    "inclusion_proof",
    "key_id",
    "leaf_hash",
    "node_hash",
    "open_note",
    "parse_entry_bundle",
    "parse_tile_path",
    "parse_verifier_key",
    "root",
    "root_from_leaves",
    "sign_note",
    "tiles_for_size",
    "verifier_key",
    "verify_consistency",
    "verify_inclusion",
    "verify_proof_bundle",
]
