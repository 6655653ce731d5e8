"""The witness's own keys: an Ed25519 key, and an ML-DSA-44 key where available.

Each private key is a 32-byte seed in a file readable by its owner alone (mode 0600),
made once by ``registry witness init``; the witness never writes them again. The
directory holds nothing else secret.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.errors import ConflictError, NotFoundError
from registry.tlog.cosignature import (
    ED25519_COSIGNATURE,
    MLDSA44_COSIGNATURE,
    Cosigner,
    mldsa_available,
)

ED25519_FILE = "witness-ed25519.key"
MLDSA44_FILE = "witness-mldsa44.key"
NAME_FILE = "witness-name"


@dataclass(frozen=True)
class WitnessKeys:
    name: str
    cosigners: tuple[Cosigner, ...]

    def vkeys(self) -> list[str]:
        return [c.verifier.vkey() for c in self.cosigners]


def create_keys(folder: Path, name: str, mldsa: bool) -> WitnessKeys:
    """Make the witness's keys in ``folder``; refuses to overwrite existing ones."""
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / ED25519_FILE).exists():
        raise ConflictError(f"a witness key exists already in {folder}; it is never replaced")
    if mldsa and not mldsa_available():
        raise ConflictError("the installed cryptography package provides no ML-DSA-44")
    (folder / NAME_FILE).write_text(name + "\n", encoding="utf-8")
    _write_secret(folder / ED25519_FILE, secrets.token_bytes(32))
    if mldsa:
        _write_secret(folder / MLDSA44_FILE, secrets.token_bytes(32))
    return load_keys(folder)


def load_keys(folder: Path) -> WitnessKeys:
    """The witness's name and cosigners, from ``folder``."""
    if not (folder / ED25519_FILE).exists():
        raise NotFoundError(f"no witness key in {folder}; run `registry witness init` first")
    name = (folder / NAME_FILE).read_text(encoding="utf-8").strip()
    ed = Ed25519PrivateKey.from_private_bytes((folder / ED25519_FILE).read_bytes())
    cosigners = [Cosigner(name, ed.public_key().public_bytes_raw(), ed.sign, ED25519_COSIGNATURE)]
    if (folder / MLDSA44_FILE).exists():
        from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA44PrivateKey

        ml = MLDSA44PrivateKey.from_seed_bytes((folder / MLDSA44_FILE).read_bytes())
        cosigners.append(
            Cosigner(name, ml.public_key().public_bytes_raw(), ml.sign, MLDSA44_COSIGNATURE)
        )
    return WitnessKeys(name, tuple(cosigners))


def _write_secret(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
