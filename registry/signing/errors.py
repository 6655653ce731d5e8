"""Errors of the signing package, all in the registry's family.

Messages name files, key ids and members, never key material: a ``detail`` may reach a
log line or a person.

    RegistryError
    ├── KeyFileError              a key file is missing, too open, or will not decrypt
    └── InvalidInputError
        ├── InvalidTimeError      not an RFC 3339 UTC time, or a naive datetime
        ├── InvalidKeyError       not an Ed25519 public key in JWK form
        ├── InvalidJwksError      a JWKS or key record that breaks the rules
        └── CredentialError       a credential that does not verify
            ├── UnknownKeyError       signed by a key id the JWKS does not list
            ├── BadSignatureError     the signature does not verify
            └── CompromisedKeyError   signed by a compromised key, not logged before
"""

from __future__ import annotations

from registry.errors import InvalidInputError, RegistryError


class KeyFileError(RegistryError):
    """A private key file cannot be used; the message names the file, never its bytes."""

    rule = "key-file"


class InvalidTimeError(InvalidInputError):
    rule = "invalid-time"


class InvalidKeyError(InvalidInputError):
    rule = "invalid-key"


class InvalidJwksError(InvalidInputError):
    rule = "invalid-jwks"


class CredentialError(InvalidInputError):
    """Base of every reason a credential is refused."""

    rule = "invalid-credential"


class UnknownKeyError(CredentialError):
    rule = "unknown-key"


class BadSignatureError(CredentialError):
    rule = "bad-signature"


class CompromisedKeyError(CredentialError):
    rule = "compromised-key"


def quoted(value: object) -> str:
    """A quoted, bounded form of an untrusted value, fit for an error message."""
    text = repr(value)
    return text if len(text) <= 66 else text[:64] + "…"
