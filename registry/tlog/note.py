"""C2SP signed-note with Ed25519 keys: sign a text, open a signed note.

A signed note is the text (ending in a newline), a blank line, then one line per
signature: an em dash (U+2014), a space, the key name, a space, and
``base64(key id (4 bytes) || signature)`` (c2sp.org/signed-note, "Format"). Verifiers
ignore signatures from unknown keys, refuse the note if a known key's signature fails,
and refuse it if no known key signed (c2sp.org/signed-note, "Signatures"). Parsing
follows Go's ``golang.org/x/mod/sumdb/note``, the reference implementation.

The private key is not handled here: a signer is a name, a public key and a function
that signs bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple, NewType, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from registry.tlog.encoding import b64decode, b64encode
from registry.tlog.errors import (
    InvalidSignatureError,
    NoteError,
    SignerError,
    UnverifiedNoteError,
    VerifierKeyError,
)

KeyId = NewType("KeyId", bytes)
"""A 4-byte signed-note key id: ``SHA-256(name || 0x0A || type || public key)[:4]``."""

ED25519: Final = 0x01  # c2sp.org/signed-note, "Signature types"
MAX_SIGNATURES: Final = 100  # as Go's sumdb/note; the spec asks for at least 16
_PUBLIC_KEY_SIZE: Final = 32
_SIGNATURE_SIZE: Final = 64
_SIG_PREFIX: Final = "— "  # U+2014 EM DASH, U+0020 SPACE


def key_id(name: str, public_key: bytes) -> KeyId:
    """The Ed25519 key id: SHA-256(name || 0x0A || 0x01 || public key)[:4].

    (c2sp.org/signed-note, "Ed25519 signatures".) Raises VerifierKeyError on a bad name
    or a public key that is not 32 bytes.
    """
    _check_name(name, VerifierKeyError)
    if len(public_key) != _PUBLIC_KEY_SIZE:
        raise VerifierKeyError(f"Ed25519 public key must be 32 bytes, got {len(public_key)}")
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()
    return KeyId(digest[:4])


def verifier_key(name: str, public_key: bytes) -> str:
    """The verifier key string ``<name>+<8 hex key id>+<base64(0x01 || public key)>``."""
    kid = key_id(name, public_key)
    return f"{name}+{kid.hex()}+{b64encode(bytes([ED25519]) + public_key)}"


@dataclass(frozen=True, slots=True)
class NoteVerifier:
    """A known Ed25519 key: its name, key id and 32-byte public key."""

    name: str
    key_id: KeyId
    public_key: bytes

    def __post_init__(self) -> None:
        if key_id(self.name, self.public_key) != self.key_id:
            raise VerifierKeyError(f"key id does not match the key of {self.name}")

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's Ed25519 signature (RFC 8032) of ``message``."""
        if len(signature) != _SIGNATURE_SIZE:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True

    def vkey(self) -> str:
        """This key as a verifier key string."""
        return verifier_key(self.name, self.public_key)


def parse_verifier_key(vkey: str) -> NoteVerifier:
    """A verifier from ``<name>+<8 hex key id>+<base64(0x01 || public key)>``.

    Strict, as Go's ``note.NewVerifier``: a valid name, exactly 8 hex digits that match
    the key, canonical base64, the Ed25519 type byte and a 32-byte key. Raises
    VerifierKeyError.
    """
    parts = vkey.split("+", 2)  # the base64 key may itself contain '+'
    if len(parts) != 3:
        raise VerifierKeyError("verifier key must be <name>+<key id>+<key>")
    name, hex_id, key_b64 = parts
    _check_name(name, VerifierKeyError)
    if len(hex_id) != 8 or any(ch not in "0123456789abcdefABCDEF" for ch in hex_id):
        raise VerifierKeyError("verifier key id must be 8 hex digits")
    try:
        key = b64decode(key_b64)
    except ValueError:
        raise VerifierKeyError("verifier key is not canonical base64") from None
    if not key or key[0] != ED25519:
        raise VerifierKeyError("verifier key is not an Ed25519 key (type 0x01)")
    if len(key) != 1 + _PUBLIC_KEY_SIZE:
        raise VerifierKeyError(f"Ed25519 public key must be 32 bytes, got {len(key) - 1}")
    return NoteVerifier(name, KeyId(bytes.fromhex(hex_id)), key[1:])


class Verifier(Protocol):
    """What :func:`open_note` checks a signature line with (as Go's ``note.Verifier``):
    a :class:`NoteVerifier`, or a cosigner key of another signature type."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> KeyId: ...

    @property
    def public_key(self) -> bytes: ...

    def verify(self, message: bytes, signature: bytes) -> bool: ...


class NoteSigner(Protocol):
    """Something that signs note texts under a key name and key id."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> KeyId: ...

    def sign(self, message: bytes) -> bytes:
        """The signature of ``message`` (the note text)."""
        ...


class Ed25519NoteSigner:
    """A :class:`NoteSigner` over an Ed25519 sign function and its 32-byte public key.

    Every signature is checked against the public key before it is used, so a function
    wired to the wrong key fails loudly (SignerError) instead of publishing a note that
    nobody can verify.
    """

    __slots__ = ("_sign", "_verifier")

    def __init__(self, name: str, public_key: bytes, sign: Callable[[bytes], bytes]) -> None:
        self._verifier = NoteVerifier(name, key_id(name, public_key), bytes(public_key))
        self._sign = sign

    @property
    def name(self) -> str:
        return self._verifier.name

    @property
    def key_id(self) -> KeyId:
        return self._verifier.key_id

    @property
    def verifier(self) -> NoteVerifier:
        """The matching verifier (publish ``verifier.vkey()``)."""
        return self._verifier

    def sign(self, message: bytes) -> bytes:
        signature = self._sign(message)
        if not self._verifier.verify(message, signature):
            raise SignerError(f"signature by {self.name} does not verify under its public key")
        return signature

    def __repr__(self) -> str:
        return f"Ed25519NoteSigner({self._verifier.vkey()!r})"


def sign_note(text: str, signers: Sequence[NoteSigner]) -> bytes:
    """The signed note: ``text``, a blank line, one signature line per signer.

    Raises NoteError on no signers, a repeated signer, or a text that a note cannot carry
    (not ending in a newline, or with a control character other than newline).
    """
    if not signers:
        raise NoteError("a signed note needs at least one signer")
    _check_text(text)
    message = text.encode()
    lines: list[str] = []
    seen: set[tuple[str, bytes]] = set()
    for signer in signers:
        name, kid = signer.name, bytes(signer.key_id)
        _check_name(name, NoteError)
        if len(kid) != 4:
            raise NoteError(f"key id of {name} must be 4 bytes, got {len(kid)}")
        if (name, kid) in seen:
            raise NoteError(f"signer {name}+{kid.hex()} appears twice")
        seen.add((name, kid))
        lines.append(f"{_SIG_PREFIX}{name} {b64encode(kid + signer.sign(message))}\n")
    return (text + "\n" + "".join(lines)).encode()


class OpenedNote(NamedTuple):
    """A note whose signatures were checked: its text and the names that verified."""

    text: str
    signers: tuple[str, ...]


def open_note(note: bytes, verifiers: Sequence[Verifier]) -> OpenedNote:
    """Parse ``note`` and check its signatures against ``verifiers``.

    Signatures from keys not in ``verifiers`` (name and key id) are ignored; a repeated
    signature by one key counts once. Raises NoteError on a malformed note or an
    ambiguous verifier list, InvalidSignatureError if a known key's signature fails,
    UnverifiedNoteError if no known key signed.
    """
    known: dict[tuple[str, bytes], Verifier] = {}
    for v in verifiers:
        other = known.setdefault((v.name, bytes(v.key_id)), v)
        if other.public_key != v.public_key:
            raise NoteError(f"ambiguous verifier keys for {v.name}+{v.key_id.hex()}")
    try:
        decoded = note.decode("utf-8")
    except UnicodeDecodeError:
        raise NoteError("malformed note: not UTF-8") from None
    _check_controls(decoded)
    split = decoded.rfind("\n\n")
    if split < 0:
        raise NoteError("malformed note: no blank line before the signatures")
    text, block = decoded[: split + 1], decoded[split + 2 :]
    if not block.endswith("\n"):
        raise NoteError("malformed note: no signature lines, or no final newline")
    sig_lines = block[:-1].split("\n")
    if len(sig_lines) > MAX_SIGNATURES:
        raise NoteError(f"malformed note: more than {MAX_SIGNATURES} signatures")
    message = text.encode()
    verified: list[str] = []
    seen: set[tuple[str, bytes]] = set()
    for line in sig_lines:
        name, kid, signature = _parse_signature_line(line)
        verifier = known.get((name, kid))
        if verifier is None or (name, kid) in seen:
            continue
        seen.add((name, kid))
        if not verifier.verify(message, signature):
            raise InvalidSignatureError(f"invalid signature for key {name}+{kid.hex()}")
        verified.append(name)
    if not verified:
        raise UnverifiedNoteError("note has no signature from a known key")
    return OpenedNote(text, tuple(verified))


def _parse_signature_line(line: str) -> tuple[str, bytes, bytes]:
    if not line.startswith(_SIG_PREFIX):
        raise NoteError("malformed note: a signature line must start with an em dash")
    name, _, encoded = line[len(_SIG_PREFIX) :].partition(" ")
    _check_name(name, NoteError)
    try:
        raw = b64decode(encoded)
    except ValueError:
        raise NoteError("malformed note: signature is not canonical base64") from None
    if len(raw) < 5:
        raise NoteError("malformed note: signature shorter than a key id and one byte")
    return name, raw[:4], raw[4:]


def _check_name(name: str, error: type[NoteError] | type[VerifierKeyError]) -> None:
    """Key names are non-empty, with no Unicode space, plus sign or control character."""
    if not name or "+" in name or any(ch.isspace() or ord(ch) < 0x20 for ch in name):
        raise error("key name must be non-empty, without spaces, '+' or control characters")


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("note text must end with a newline")
    _check_controls(text)


def _check_controls(text: str) -> None:
    if any(ord(ch) < 0x20 and ch != "\n" for ch in text):
        raise NoteError("malformed note: control character other than newline")
