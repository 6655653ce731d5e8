"""The issuer URL: fixed at ``registry init``, like the log's origin.

It is signed into every credential (``issuer``, ``iss``, the subject's ``id``), names the
JSON-LD context and the status lists, and is the ``issuer`` of the issuer metadata. A
server reached at another address (another port, a proxy) keeps signing the URL it was
made with, so that what was signed never points elsewhere; only links, snippets and QR
codes follow the address the registry is served on.
"""

from __future__ import annotations

from sqlmodel import Session, select

from registry.db.tables import Certificate, RegistryMeta
from registry.errors import ConflictError, InvalidInputError
from registry.signing import stored_claim

ISSUER_KEY = "issuer_url"


def issuer_url(session: Session) -> str | None:
    """The fixed issuer URL, or None before ``registry init`` fixed it."""
    row = session.get(RegistryMeta, ISSUER_KEY)
    return None if row is None else row.value


def ensure_issuer_url(session: Session, public_url: str, configured: str | None = None) -> str:
    """Fix the issuer URL once and return it.

    ``configured`` (``REGISTRY_ISSUER_URL``) wins on a new registry and must match on an
    existing one. An installation from before this setting keeps the issuer its
    credentials already carry; a new one takes ``public_url``.
    """
    found = issuer_url(session)
    if found is not None:
        if configured and configured.rstrip("/") != found:
            raise ConflictError(
                f"REGISTRY_ISSUER_URL is {configured!r} but this registry's issuer is fixed as {found!r}"
            )
        return found
    value = (configured or _issuer_of_existing_credentials(session) or public_url).rstrip("/")
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise InvalidInputError(f"an issuer URL is http(s)://host[:port][/path], got {value!r}")
    session.add(RegistryMeta(key=ISSUER_KEY, value=value))
    session.flush()
    return value


def _issuer_of_existing_credentials(session: Session) -> str | None:
    """The ``iss`` of the oldest credential, when the registry already signed one."""
    token = session.exec(
        select(Certificate.credential).where(Certificate.credential != "").order_by(Certificate.id)  # type: ignore[arg-type]
    ).first()
    return stored_claim(token, "iss") if token else None


def issuer_or_refuse(session: Session) -> str:
    """The issuer URL for signing; a registry that was never initialised cannot sign."""
    found = issuer_url(session)
    if found is None:
        raise ConflictError("the registry has no issuer URL yet; run `registry init`")
    return found
