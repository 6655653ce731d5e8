"""C2SP tlog-cosignature: a witness's timestamped signature on a checkpoint.

A cosignature is a signed-note signature line on a checkpoint (c2sp.org/tlog-cosignature
v1.0.1, "Format"): ``— <name> base64(key id || timestamped_signature)``, where the
``timestamped_signature`` is a big-endian u64 POSIX timestamp followed by the signature.

- **Ed25519** (key type 0x04, tlog-cosignature v1.0.1): the key id is
  ``SHA-256(name || 0x0A || 0x04 || public key)[:4]`` and the signed message is
  ``cosignature/v1\\n`` ``time <timestamp>\\n`` then the whole checkpoint text.
- **ML-DSA-44** (key type 0x06, tlog-cosignature v1.1.0-rc.1, which recommends it for new
  deployments): the key id uses 0x06 and the 1312-byte key; the signed message is the
  binary ``cosigned_message`` (``subtree/v1\\n\\0``, the cosigner name, the timestamp, the
  origin, start 0, end = size, the root hash), which commits to the cosigner's name.

Only public keys and a sign function are handled here: the witness owns its private keys.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from registry.tlog.checkpoint import Checkpoint
from registry.tlog.encoding import MAX_INT64, b64decode, b64encode
from registry.tlog.errors import (
    CheckpointError,
    InvalidSignatureError,
    NoteError,
    SignerError,
    VerifierKeyError,
)
from registry.tlog.note import KeyId

ED25519_COSIGNATURE: Final = 0x04
MLDSA44_COSIGNATURE: Final = 0x06
_KEY_SIZES: Final = {ED25519_COSIGNATURE: 32, MLDSA44_COSIGNATURE: 1312}
_SIGNATURE_SIZES: Final = {ED25519_COSIGNATURE: 64, MLDSA44_COSIGNATURE: 2420}
_SIG_PREFIX: Final = "— "  # U+2014 EM DASH, U+0020 SPACE (c2sp.org/signed-note)
_SUBTREE_LABEL: Final = b"subtree/v1\n\x00"


def mldsa_available() -> bool:
    """Whether the installed ``cryptography`` provides ML-DSA-44 (FIPS 204)."""
    try:
        from cryptography.hazmat.primitives.asymmetric import mldsa  # noqa: F401
    except ImportError:
        return False
    return True


def cosigner_key_id(name: str, algorithm: int, public_key: bytes) -> KeyId:
    """``SHA-256(name || 0x0A || type || public key)[:4]`` (tlog-cosignature, "Format")."""
    _check_name(name)
    expected = _KEY_SIZES.get(algorithm)
    if expected is None:
        raise VerifierKeyError(f"not a cosignature key type: 0x{algorithm:02x}")
    if len(public_key) != expected:
        raise VerifierKeyError(
            f"cosigner key of type 0x{algorithm:02x} must be {expected} bytes, got {len(public_key)}"
        )
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([algorithm]) + public_key).digest()
    return KeyId(digest[:4])


def ed25519_message(checkpoint_text: str, timestamp: int) -> bytes:
    """The Ed25519 signed message: header line, time line, then the checkpoint text."""
    _check_timestamp(timestamp)
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_text}".encode()


def mldsa_message(name: str, timestamp: int, checkpoint: Checkpoint) -> bytes:
    """The ML-DSA-44 ``cosigned_message`` for a whole checkpoint (start 0, end its size)."""
    _check_timestamp(timestamp)
    cosigner, origin = name.encode(), checkpoint.origin.encode()
    if not 1 <= len(cosigner) <= 255 or not 1 <= len(origin) <= 255:
        raise CheckpointError("cosigner name and origin must be 1 to 255 bytes for ML-DSA-44")
    return (
        _SUBTREE_LABEL
        + bytes([len(cosigner)])
        + cosigner
        + struct.pack(">Q", timestamp)
        + bytes([len(origin)])
        + origin
        + struct.pack(">QQ", 0, checkpoint.size)
        + bytes(checkpoint.root_hash)
    )


@dataclass(frozen=True, slots=True)
class CosignatureVerifier:
    """A cosigner's public key: name, key id, type (0x04 or 0x06) and key bytes.

    Its :meth:`verify` has the shape of a signed-note verifier: it takes the note text and
    the signature bytes of a line, so :func:`registry.tlog.open_note` can use it.
    """

    name: str
    key_id: KeyId
    public_key: bytes
    algorithm: int = ED25519_COSIGNATURE

    def __post_init__(self) -> None:
        if cosigner_key_id(self.name, self.algorithm, self.public_key) != self.key_id:
            raise VerifierKeyError(f"key id does not match the key of cosigner {self.name}")

    def message(self, checkpoint_text: str, timestamp: int) -> bytes:
        """What this key signs for ``checkpoint_text`` at ``timestamp``."""
        if self.algorithm == ED25519_COSIGNATURE:
            return ed25519_message(checkpoint_text, timestamp)
        return mldsa_message(self.name, timestamp, Checkpoint.parse(checkpoint_text))

    def timestamp(self, signature: bytes) -> int | None:
        """The timestamp of a well-sized ``timestamped_signature``, else None."""
        if len(signature) != 8 + _SIGNATURE_SIZES[self.algorithm]:
            return None
        value = int.from_bytes(signature[:8], "big")
        return value if value <= MAX_INT64 else None

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` cosigns the checkpoint note text ``message``."""
        timestamp = self.timestamp(signature)
        if timestamp is None:
            return False
        try:
            signed = self.message(message.decode("utf-8"), timestamp)
        except (UnicodeDecodeError, CheckpointError):
            return False
        return _verify_raw(self.algorithm, self.public_key, signed, signature[8:])

    def vkey(self) -> str:
        """``<name>+<hex key id>+<base64(type || public key)>`` (signed-note verifier key)."""
        raw = bytes([self.algorithm]) + self.public_key
        return f"{self.name}+{self.key_id.hex()}+{b64encode(raw)}"


def cosigner_verifier(
    name: str, public_key: bytes, algorithm: int = ED25519_COSIGNATURE
) -> CosignatureVerifier:
    """The verifier of a cosigner key."""
    return CosignatureVerifier(
        name, cosigner_key_id(name, algorithm, public_key), public_key, algorithm
    )


def parse_cosigner_vkey(vkey: str) -> CosignatureVerifier:
    """A cosigner from a verifier key of type 0x04 (Ed25519) or 0x06 (ML-DSA-44).

    Strict as Go's ``note.NewVerifier``: 8 hex digits matching the key, canonical base64,
    a known type and the key size of that type. Raises VerifierKeyError.
    """
    parts = vkey.strip().split("+", 2)
    if len(parts) != 3:
        raise VerifierKeyError("cosigner key must be <name>+<key id>+<key>")
    name, hex_id, key_b64 = parts
    _check_name(name)
    if len(hex_id) != 8 or any(ch not in "0123456789abcdefABCDEF" for ch in hex_id):
        raise VerifierKeyError("cosigner key id must be 8 hex digits")
    try:
        raw = b64decode(key_b64)
    except ValueError:
        raise VerifierKeyError("cosigner key is not canonical base64") from None
    if not raw or raw[0] not in _KEY_SIZES:
        raise VerifierKeyError(
            "cosigner key must be of type 0x04 (Ed25519) or 0x06 (ML-DSA-44), "
            "as tlog-cosignature defines"
        )
    return CosignatureVerifier(name, KeyId(bytes.fromhex(hex_id)), raw[1:], raw[0])


class Cosigner:
    """Signs cosignatures with one key: a name, the public key and a sign function.

    Every signature is checked against the public key before it is used, so a function
    wired to the wrong key fails loudly (SignerError).
    """

    __slots__ = ("_sign", "verifier")

    def __init__(
        self,
        name: str,
        public_key: bytes,
        sign: Callable[[bytes], bytes],
        algorithm: int = ED25519_COSIGNATURE,
    ) -> None:
        self.verifier = cosigner_verifier(name, bytes(public_key), algorithm)
        self._sign = sign

    def cosign(self, checkpoint_text: str, timestamp: int) -> str:
        """The signature line (ending in a newline) cosigning ``checkpoint_text``."""
        v = self.verifier
        signature = struct.pack(">Q", timestamp) + self._sign(v.message(checkpoint_text, timestamp))
        if not v.verify(checkpoint_text.encode(), signature):
            raise SignerError(f"cosignature by {v.name} does not verify under its public key")
        return f"{_SIG_PREFIX}{v.name} {b64encode(bytes(v.key_id) + signature)}\n"


def split_note(note: bytes) -> tuple[str, list[str]]:
    """A signed note's text (ending in a newline) and its signature lines, unchecked."""
    try:
        decoded = note.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteError("malformed note: not UTF-8") from None
    split = decoded.rfind("\n\n")
    if split < 0 or not decoded.endswith("\n"):
        raise NoteError("malformed note: no blank line before the signatures")
    return decoded[: split + 1], decoded[split + 2 : -1].split("\n")


def cosignatures(
    note: bytes, verifiers: Sequence[CosignatureVerifier]
) -> Mapping[CosignatureVerifier, int]:
    """The known cosigners whose cosignature on ``note`` verifies, with its timestamp."""
    return {v: timestamp for v, (timestamp, _) in cosignature_lines(note, verifiers).items()}


def cosignature_lines(
    note: bytes, verifiers: Sequence[CosignatureVerifier]
) -> Mapping[CosignatureVerifier, tuple[int, str]]:
    """The known cosigners whose cosignature on ``note`` verifies, with its timestamp and
    its signature line (ending in a newline).

    Lines of other keys are ignored (tlog-witness: "MUST ignore any cosignatures from
    unknown keys"); a known key's line that fails raises InvalidSignatureError, as
    c2sp.org/signed-note asks of a known key's bad signature.
    """
    text, lines = split_note(note)
    known = {(v.name, bytes(v.key_id)): v for v in verifiers}
    found: dict[CosignatureVerifier, tuple[int, str]] = {}
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise NoteError("malformed note: a signature line must start with an em dash")
        name, _, encoded = line[len(_SIG_PREFIX) :].partition(" ")
        try:
            raw = b64decode(encoded)
        except ValueError:
            raise NoteError("malformed note: signature is not canonical base64") from None
        verifier = known.get((name, raw[:4]))
        if verifier is None or verifier in found:
            continue
        if not verifier.verify(text.encode(), raw[4:]):
            raise InvalidSignatureError(f"invalid cosignature for key {name}+{raw[:4].hex()}")
        timestamp = verifier.timestamp(raw[4:])
        assert timestamp is not None
        found[verifier] = (timestamp, line + "\n")
    return found


def _verify_raw(algorithm: int, public_key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        if algorithm == ED25519_COSIGNATURE:
            Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        else:
            from cryptography.hazmat.primitives.asymmetric.mldsa import MLDSA44PublicKey

            MLDSA44PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError, ImportError):
        return False
    return True


def _check_timestamp(timestamp: int) -> None:
    if not 0 <= timestamp <= MAX_INT64:
        raise CheckpointError(f"cosignature timestamp out of range: {timestamp}")


def _check_name(name: str) -> None:
    if not name or "+" in name or any(ch.isspace() or ord(ch) < 0x20 for ch in name):
        raise VerifierKeyError(
            "key name must be non-empty, without spaces, '+' or control characters"
        )
