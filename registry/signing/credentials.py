"""Signed credentials: W3C VC 2.0 secured as a compact JWS (VC-JOSE-COSE, RFC 7515).

The payload is the RFC 8785 canonical JSON of the credential, signed as is; verification
checks the bytes it was given and never re-serialises them. A JOSE library only proves
that a key signed: :func:`verify_credential` also refuses a key's signature once the key
is compromised, unless the credential's log entry predates the compromise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature

from registry.signing.b64 import b64url_decode, b64url_encode
from registry.signing.errors import (
    BadSignatureError,
    CompromisedKeyError,
    CredentialError,
    UnknownKeyError,
    quoted,
)
from registry.signing.jwks import KeyRecord, KeyStatus
from registry.signing.keys import Kid, Signer, kid_for
from registry.signing.timefmt import format_time

ALG = "EdDSA"  # RFC 8037 §3.1; pyjwt does not accept RFC 9864's "Ed25519"
TYP = "vc+jwt"  # VC-JOSE-COSE §3.1.1
CTY = "vc"
_SIGNATURE_SIZE = 64  # RFC 8032 §5.1.6
_BANNED_CLAIMS = ("exp", "nbf")  # they would bound a signature that never expires


@dataclass(frozen=True)
class VerifiedCredential:
    """A credential whose signature, key and claims passed :func:`verify_credential`."""

    header: dict[str, Any]
    payload: dict[str, Any]
    kid: Kid
    key_status: KeyStatus


def sign_credential(signer: Signer, payload: Mapping[str, Any]) -> str:
    """The compact JWS of ``payload`` under ``signer``.

    The payload must carry ``iss`` equal to ``issuer`` (or its ``id``) and ``jti`` equal
    to ``id``, and no ``exp`` or ``nbf``. The signature is checked against the signer's
    public key before it is returned, so a faulty signer (an HSM, a KMS) cannot issue.
    Raises CredentialError when the payload breaks these rules or is not canonicalisable.
    """
    _check_claims(payload)
    banned = [claim for claim in _BANNED_CLAIMS if claim in payload]
    if banned:
        raise CredentialError(
            f"credential payload has {banned[0]!r}: a credential's signature never expires"
        )
    try:
        body = rfc8785.dumps(dict(payload))
    except rfc8785.CanonicalizationError as exc:
        raise CredentialError(f"credential payload is not canonical JSON: {exc}") from None
    header = {"alg": ALG, "typ": TYP, "cty": CTY, "kid": signer.kid}
    signing_input = (
        b64url_encode(json.dumps(header, separators=(",", ":")).encode("ascii"))
        + "."
        + b64url_encode(body)
    )
    signature = signer.sign(signing_input.encode("ascii"))
    public_key = signer.public_key()
    if kid_for(public_key) != signer.kid:
        raise BadSignatureError(f"signer {signer.kid} reports a key id not its own")
    try:
        public_key.verify(signature, signing_input.encode("ascii"))
    except InvalidSignature:
        raise BadSignatureError(
            f"signer {signer.kid} made a signature its own public key does not verify"
        ) from None
    return f"{signing_input}.{b64url_encode(signature)}"


def stored_claim(token: str, name: str) -> str | None:
    """A string claim (``id``, ``iss``) of a credential the registry signed and stored
    itself, read without checking the signature again; None when absent or unreadable."""
    try:
        payload = json.loads(b64url_decode(token.split(".")[1]))
    except (ValueError, IndexError):
        return None
    found = payload.get(name) if isinstance(payload, dict) else None
    return found if isinstance(found, str) and found else None


def stored_kid(token: str) -> str | None:
    """The ``kid`` of the protected header of a JWS the registry signed and stored itself,
    read without checking the signature; None when absent or unreadable."""
    try:
        header = json.loads(b64url_decode(token.split(".")[0]))
    except (ValueError, IndexError):
        return None
    found = header.get("kid") if isinstance(header, dict) else None
    return found if isinstance(found, str) and found else None


def verify_credential(
    token: str, keys: Sequence[KeyRecord], *, logged_at: datetime | None = None
) -> VerifiedCredential:
    """The credential in ``token`` once it is proven to come from one of ``keys``.

    Checks, in order: the compact form, the header (``alg`` EdDSA, ``typ`` vc+jwt, a
    ``kid``, no ``crit``), that the key is listed, the signature, the key's status, and
    the payload (a JSON object with ``iss`` equal to ``issuer`` and ``jti`` to ``id``).
    A retired key still verifies; a compromised one only when ``logged_at``, the time of
    the credential's log entry, is strictly before ``compromised_at``.
    Raises a CredentialError subclass, and nothing else, for any token.
    """
    if logged_at is not None and logged_at.utcoffset() is None:
        raise CredentialError("logged_at has no time zone; use an aware datetime")
    if not isinstance(token, str):
        raise CredentialError("credential is not text")
    parts = token.split(".")
    if len(parts) != 3:
        raise CredentialError(
            f"credential has {len(parts)} part(s) separated by '.'; a compact JWS has 3"
        )
    header = _json_object(_decode(parts[0], "header"), "header")
    _check_header(header)
    kid = Kid(header["kid"])
    record = next((key for key in keys if key.kid == kid), None)
    if record is None:
        suffix = "" if keys else " (no keys were given)"
        raise UnknownKeyError(f"credential signed by unknown key id {quoted(kid)}{suffix}")
    signature = _decode(parts[2], "signature")
    if len(signature) != _SIGNATURE_SIZE:
        raise BadSignatureError(
            f"credential signature has {len(signature)} bytes; Ed25519 signatures have "
            f"{_SIGNATURE_SIZE}"
        )
    raw_payload = _decode(parts[1], "payload")
    try:
        record.public_key().verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except InvalidSignature:
        raise BadSignatureError(
            f"credential signature does not verify under key {record.kid}"
        ) from None
    _check_compromise(record, logged_at)
    payload = _json_object(raw_payload, "payload")
    _check_claims(payload)
    return VerifiedCredential(header, payload, record.kid, record.status)


def _check_header(header: Mapping[str, Any]) -> None:
    for name, expected in (("alg", ALG), ("typ", TYP)):
        if header.get(name) != expected:
            raise CredentialError(
                f"credential header {name} is {quoted(header.get(name))}; expected {expected!r}"
            )
    if "crit" in header:
        # RFC 7515 §4.1.11: extensions we do not implement must be refused.
        raise CredentialError("credential header has 'crit'; no extension is supported")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise CredentialError("credential header has no key id ('kid')")


def _check_compromise(record: KeyRecord, logged_at: datetime | None) -> None:
    compromised_at = record.compromised_at
    if record.status != "compromised" or compromised_at is None:
        return
    when = format_time(compromised_at)
    if logged_at is None:
        raise CompromisedKeyError(
            f"credential signed by key {record.kid}, compromised at {when}; "
            "only a log entry from before then can vouch for it"
        )
    if not logged_at < compromised_at:
        raise CompromisedKeyError(
            f"credential signed by key {record.kid}, compromised at {when}, was logged "
            f"at {format_time(logged_at)}, not before the compromise"
        )


def _check_claims(payload: Mapping[str, Any]) -> None:
    """``iss`` must equal ``issuer`` (a URL or an object with ``id``), ``jti`` ``id``."""
    issuer = payload.get("issuer")
    if isinstance(issuer, Mapping):
        issuer = issuer.get("id")
    for claim, member, value in (("iss", "issuer", issuer), ("jti", "id", payload.get("id"))):
        if not isinstance(value, str) or not value:
            raise CredentialError(f"credential payload has no {member!r}")
        if payload.get(claim) != value:
            raise CredentialError(
                f"credential payload {claim} is {quoted(payload.get(claim))}; expected "
                f"{quoted(value)}, its {member!r}"
            )


def _decode(text: str, part: str) -> bytes:
    try:
        return b64url_decode(text)
    except ValueError as exc:
        raise CredentialError(f"credential {part} is {exc}") from None


def _json_object(raw: bytes, part: str) -> dict[str, Any]:
    """``raw`` as a JSON object; duplicate members and NaN/Infinity are refused."""
    try:
        value = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_unique_members,
            parse_constant=_no_constant,
        )
    except UnicodeDecodeError:
        raise CredentialError(f"credential {part} is not UTF-8") from None
    except RecursionError:
        raise CredentialError(f"credential {part} is nested too deeply") from None
    except ValueError as exc:
        raise CredentialError(f"credential {part} is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise CredentialError(f"credential {part} is not a JSON object")
    return value


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # RFC 7515 §5.2 step 4: duplicate names must be refused, not resolved silently.
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError(f"member {quoted(name)} appears twice")
        result[name] = value
    return result


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
