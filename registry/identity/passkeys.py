"""Passkeys (WebAuthn Level 3) through the ``webauthn`` package.

The relying-party id is the host of the registry's public URL and the expected origin
is that URL's origin. Browsers refuse WebAuthn on an IP address ("invalid domain"), so
there the account pages offer password and TOTP only, and say why.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import webauthn
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from registry.errors import AuthenticationError, InvalidInputError


@dataclass(frozen=True)
class RelyingParty:
    """Who the passkeys are for: id (a host name) and the origin pages are served from."""

    id: str
    origin: str
    name: str = "Keurmerkenregister"

    @classmethod
    def of(cls, public_url: str) -> RelyingParty | None:
        """The relying party of ``public_url``, or None on an IP address (no passkeys)."""
        parts = urlsplit(public_url)
        host = (parts.hostname or "").lower()
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return cls(id=host, origin=f"{parts.scheme}://{parts.netloc}") if host else None
        return None


def registration_options(
    rp: RelyingParty, user_id: bytes, user_name: str, display: str, existing: list[str]
) -> tuple[str, str]:
    """(options as JSON for the browser, challenge as base64url to keep in the session)."""
    options = webauthn.generate_registration_options(
        rp_id=rp.id,
        rp_name=rp.name,
        user_id=user_id,
        user_name=user_name,
        user_display_name=display,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(c)) for c in existing
        ],
    )
    return webauthn.options_to_json(options), bytes_to_base64url(options.challenge)


@dataclass(frozen=True)
class NewPasskey:
    credential_id: str  # base64url
    public_key: bytes
    sign_count: int


def verify_registration(rp: RelyingParty, credential: Any, challenge: str) -> NewPasskey:
    """Check the browser's answer to ``registration_options``; raise InvalidInputError."""
    try:
        verified = webauthn.verify_registration_response(
            credential=_as_json(credential),
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
        )
    except (InvalidRegistrationResponse, ValueError, KeyError, TypeError) as error:
        raise InvalidInputError(f"the passkey could not be registered: {error}") from None
    return NewPasskey(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )


def authentication_options(rp: RelyingParty) -> tuple[str, str]:
    """Options for a sign-in with any passkey of this site (discoverable credentials)."""
    options = webauthn.generate_authentication_options(
        rp_id=rp.id, user_verification=UserVerificationRequirement.PREFERRED
    )
    return webauthn.options_to_json(options), bytes_to_base64url(options.challenge)


def credential_id_of(credential: Any) -> str:
    """The credential id a browser's assertion names (base64url)."""
    data = json.loads(_as_json(credential))
    found = data.get("rawId") or data.get("id")
    if not isinstance(found, str) or not found or len(found) > 1400:
        raise AuthenticationError("the passkey answer names no credential")
    return found


def verify_authentication(
    rp: RelyingParty, credential: Any, challenge: str, public_key: bytes, sign_count: int
) -> int:
    """Check an assertion; the authenticator's new signature count. Raises
    AuthenticationError for a wrong signature, origin, relying party or challenge."""
    try:
        verified = webauthn.verify_authentication_response(
            credential=_as_json(credential),
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp.id,
            expected_origin=rp.origin,
            credential_public_key=public_key,
            credential_current_sign_count=sign_count,
        )
    except (InvalidAuthenticationResponse, ValueError, KeyError, TypeError) as error:
        raise AuthenticationError(f"the passkey sign-in failed: {error}") from None
    return int(verified.new_sign_count)


def _as_json(credential: Any) -> str:
    text = credential if isinstance(credential, str) else json.dumps(credential)
    if len(text) > 64 * 1024:
        raise InvalidInputError("the passkey answer is too large")
    return text
