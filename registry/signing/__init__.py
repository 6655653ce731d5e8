"""Keys, key ids, the JWKS and signed credentials: the only code that holds private keys.

Pure by design: it imports no web framework, ORM or template engine, and takes its
signer and times as arguments. Private keys stay behind :class:`Signer`; no message,
``repr`` or pickle of this package carries key material.
"""

from __future__ import annotations

from registry.signing.credentials import (
    VerifiedCredential,
    sign_credential,
    stored_claim,
    stored_kid,
    verify_credential,
)
from registry.signing.errors import (
    BadSignatureError,
    CompromisedKeyError,
    CredentialError,
    InvalidJwksError,
    InvalidKeyError,
    InvalidTimeError,
    KeyFileError,
    UnknownKeyError,
)
from registry.signing.jwks import KeyRecord, KeyStatus, jwks_document, parse_jwks
from registry.signing.keys import (
    Ed25519Signer,
    Kid,
    Signer,
    kid_for,
    public_jwk,
    public_key_from_x,
    public_x,
)
from registry.signing.keystore import FileKeyStore
from registry.signing.timefmt import format_time, parse_time

__all__ = [
    "BadSignatureError",
    "CompromisedKeyError",
    "CredentialError",
    "Ed25519Signer",
    "FileKeyStore",
    "InvalidJwksError",
    "InvalidKeyError",
    "InvalidTimeError",
    "KeyFileError",
    "KeyRecord",
    "KeyStatus",
    "Kid",
    "Signer",
    "UnknownKeyError",
    "VerifiedCredential",
    "format_time",
    "jwks_document",
    "kid_for",
    "parse_jwks",
    "parse_time",
    "public_jwk",
    "public_key_from_x",
    "public_x",
    "sign_credential",
    "stored_claim",
    "stored_kid",
    "verify_credential",
]
