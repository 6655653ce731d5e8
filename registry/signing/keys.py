"""Ed25519 signers, their public JWK (RFC 8037) and key ids (RFC 7638 thumbprints).

Everything that signs goes through :class:`Signer`, a deliberately small interface (sign
bytes, give the public key) so that an HSM (PKCS#11) or a cloud KMS can replace the key
file later without touching the callers.
"""

from __future__ import annotations

import hashlib
import json
from typing import NewType, Protocol, runtime_checkable

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from registry.signing.b64 import b64url_decode, b64url_encode
from registry.signing.errors import InvalidKeyError

Kid = NewType("Kid", str)
"""A key id: the bare base64url RFC 7638 SHA-256 thumbprint (not the URI form)."""

_PUBLIC_KEY_SIZE = 32  # RFC 8032 §5.1.5


@runtime_checkable
class Signer(Protocol):
    """Something that signs bytes with an Ed25519 key it never hands out."""

    @property
    def kid(self) -> Kid:
        """The RFC 7638 thumbprint of :meth:`public_key`."""
        ...

    def sign(self, data: bytes) -> bytes:
        """The 64-byte Ed25519 signature (RFC 8032) of ``data``."""
        ...

    def public_key(self) -> Ed25519PublicKey:
        """The public half, for JWKS entries and self-checks."""
        ...


class Ed25519Signer:
    """A :class:`Signer` over an in-memory ``cryptography`` private key.

    Its ``repr`` shows the key id only, so that a signer in a log line or a traceback
    never carries key material.
    """

    __slots__ = ("_kid", "_private_key", "_public_key")

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self._public_key = private_key.public_key()
        self._kid = kid_for(self._public_key)

    @classmethod
    def generate(cls) -> Ed25519Signer:
        """A signer over a fresh key from the operating system's random source."""
        return cls(Ed25519PrivateKey.generate())

    @property
    def kid(self) -> Kid:
        return self._kid

    def sign(self, data: bytes) -> bytes:
        return self._private_key.sign(data)

    def public_key(self) -> Ed25519PublicKey:
        return self._public_key

    def __repr__(self) -> str:
        return f"Ed25519Signer(kid={self._kid!r})"

    def __reduce__(self) -> str | tuple[object, ...]:
        # Pickling would write the private key in the clear wherever the pickle goes.
        raise TypeError("an Ed25519Signer cannot be pickled: it holds a private key")


def public_x(public_key: Ed25519PublicKey) -> str:
    """The JWK ``x`` member (RFC 8037 §2): the raw public key in unpadded base64url."""
    return b64url_encode(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    """The public JWK ``{"kty":"OKP","crv":"Ed25519","x":…}`` of ``public_key``."""
    return {"kty": "OKP", "crv": "Ed25519", "x": public_x(public_key)}


def kid_for(public_key: Ed25519PublicKey) -> Kid:
    """The RFC 7638 §3 thumbprint of ``public_key``, bare base64url without padding."""
    return kid_for_x(public_x(public_key))


def kid_for_x(x: str) -> Kid:
    """The thumbprint of the key whose JWK ``x`` member is ``x`` (taken as given)."""
    # RFC 7638 §3.2: required members only, lexicographic order, no whitespace.
    canonical = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": x},
        separators=(",", ":"),
        sort_keys=True,
        ensure_ascii=False,
    )
    return Kid(b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest()))


def public_key_from_x(x: str) -> Ed25519PublicKey:
    """The Ed25519 public key whose JWK ``x`` member is ``x``.

    Raises InvalidKeyError unless ``x`` is canonical base64url of exactly 32 bytes.
    """
    try:
        raw = b64url_decode(x)
    except ValueError as exc:
        raise InvalidKeyError(f"key member 'x' is {exc}") from None
    if len(raw) != _PUBLIC_KEY_SIZE:
        raise InvalidKeyError(
            f"key member 'x' has {len(raw)} bytes, an Ed25519 key has {_PUBLIC_KEY_SIZE}"
        )
    return Ed25519PublicKey.from_public_bytes(raw)
