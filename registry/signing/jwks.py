"""The registry's JWKS: every credential key it ever used, with its status.

An entry is the RFC 8037 public JWK with ``kid`` and ``use``, plus ``status``,
``not_before`` and, where they apply, ``retired_at`` and ``compromised_at`` (RFC 3339 UTC).
There is no ``alg`` member: it makes some JOSE libraries miss the key. Retired and
compromised keys stay listed forever, so that what they signed stays checkable.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast, get_args

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from registry.signing.errors import (
    InvalidJwksError,
    InvalidKeyError,
    InvalidTimeError,
    quoted,
)
from registry.signing.keys import Kid, kid_for_x, public_key_from_x
from registry.signing.timefmt import format_time, parse_time

KeyStatus = Literal["active", "retired", "compromised"]
_STATUSES: tuple[str, ...] = get_args(KeyStatus)
_ALGS = ("EdDSA", "Ed25519")  # accepted in a foreign JWKS; never written
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")  # RFC 7517/7518/8037


@dataclass(frozen=True)
class KeyRecord:
    """One credential key as the JWKS publishes it.

    ``not_before`` is ``None`` only for a key read from a plain JWKS that does not say.
    Raises InvalidJwksError when ``kid`` is not the thumbprint of ``x``, a time is naive,
    or the times do not fit the status: retired needs ``retired_at``; compromised needs
    ``compromised_at`` and may keep the ``retired_at`` of an earlier retirement; active
    has neither.
    """

    kid: Kid
    x: str
    status: KeyStatus
    not_before: datetime | None
    retired_at: datetime | None = None
    compromised_at: datetime | None = None

    def __post_init__(self) -> None:
        try:
            public_key_from_x(self.x)
        except InvalidKeyError as exc:
            raise InvalidJwksError(f"key {quoted(self.kid)}: {exc}") from None
        if self.kid != kid_for_x(self.x):
            raise InvalidJwksError(
                f"key id {quoted(self.kid)} is not the RFC 7638 thumbprint of its key "
                f"({kid_for_x(self.x)})"
            )
        if self.status not in _STATUSES:
            raise InvalidJwksError(
                f"key {self.kid} has status {quoted(self.status)}; expected one of "
                + ", ".join(_STATUSES)
            )
        for name in ("not_before", "retired_at", "compromised_at"):
            moment = getattr(self, name)
            if moment is not None and moment.utcoffset() is None:
                raise InvalidJwksError(f"key {self.kid} has a naive {name}")
        # A retired key may later be found compromised, so it keeps its retired_at.
        retired_ok = (
            self.status != "active" if self.retired_at is not None else self.status != "retired"
        )
        if not retired_ok:
            raise InvalidJwksError(
                f"key {self.kid} is {self.status}: retired_at is required when retired, "
                "allowed when compromised, and refused when active"
            )
        if (self.compromised_at is None) == (self.status == "compromised"):
            raise InvalidJwksError(
                f"key {self.kid} is {self.status}: compromised_at is required when "
                "compromised and only then"
            )

    def public_key(self) -> Ed25519PublicKey:
        """The key itself, to verify signatures with."""
        return public_key_from_x(self.x)


def jwks_document(records: Iterable[KeyRecord]) -> dict[str, list[dict[str, str]]]:
    """The JWKS served at ``/.well-known/jwks.json``, entries in the order given."""
    return {"keys": [_entry(record) for record in records]}


def _entry(record: KeyRecord) -> dict[str, str]:
    entry = {"kty": "OKP", "crv": "Ed25519", "x": record.x, "kid": record.kid}
    entry["use"] = "sig"
    entry["status"] = record.status
    for name, moment in (
        ("not_before", record.not_before),
        ("retired_at", record.retired_at),
        ("compromised_at", record.compromised_at),
    ):
        if moment is not None:
            entry[name] = format_time(moment)
    return entry


def parse_jwks(document: object) -> list[KeyRecord]:
    """The key records of a JWKS, as :func:`jwks_document` writes it or a plain one.

    A plain entry without ``status`` is taken as active, and one without ``kid`` gets its
    thumbprint. Only public Ed25519 keys are accepted. Raises InvalidJwksError naming the
    entry and member at fault; an empty key list is invalid.
    """
    if not isinstance(document, Mapping):
        raise InvalidJwksError("JWKS is not a JSON object")
    keys = document.get("keys")
    if not isinstance(keys, list):
        raise InvalidJwksError("JWKS has no 'keys' array")
    if not keys:
        raise InvalidJwksError("JWKS has no keys")
    records: list[KeyRecord] = []
    seen: set[str] = set()
    for index, entry in enumerate(keys):
        record = _parse_entry(index, entry)
        if record.kid in seen:
            raise InvalidJwksError(f"JWKS key {index}: key id {record.kid} appears twice")
        seen.add(record.kid)
        records.append(record)
    return records


def _parse_entry(index: int, entry: object) -> KeyRecord:
    where = f"JWKS key {index}"
    if not isinstance(entry, Mapping):
        raise InvalidJwksError(f"{where} is not a JSON object")
    if entry.get("kty") != "OKP" or entry.get("crv") != "Ed25519":
        raise InvalidJwksError(
            f"{where} has kty {quoted(entry.get('kty'))} and crv {quoted(entry.get('crv'))}; "
            "expected OKP and Ed25519"
        )
    private = [m for m in _PRIVATE_MEMBERS if m in entry]
    if private:
        raise InvalidJwksError(f"{where} carries private key member {private[0]!r}")
    x = _need_text(entry, "x", where)
    kid = _text(entry, "kid", where) or kid_for_x(x)
    where = f"JWKS key {index} ({quoted(kid)})"
    if "use" in entry and entry["use"] != "sig":
        raise InvalidJwksError(f"{where} has use {quoted(entry['use'])}; expected 'sig'")
    if "alg" in entry and entry["alg"] not in _ALGS:
        raise InvalidJwksError(f"{where} has alg {quoted(entry['alg'])}; expected EdDSA")
    status = _text(entry, "status", where)
    if status is None:
        extra = [m for m in ("retired_at", "compromised_at") if m in entry]
        if extra:
            raise InvalidJwksError(f"{where} has {extra[0]} but no status")
        status = "active"
    elif status not in _STATUSES:
        raise InvalidJwksError(
            f"{where} has status {quoted(status)}; expected one of " + ", ".join(_STATUSES)
        )
    return KeyRecord(
        kid=Kid(kid),
        x=x,
        status=cast(KeyStatus, status),
        not_before=_time(entry, "not_before", where, required="status" in entry),
        retired_at=_time(entry, "retired_at", where),
        compromised_at=_time(entry, "compromised_at", where),
    )


def _text(entry: Mapping[str, object], name: str, where: str) -> str | None:
    if name not in entry:
        return None
    value = entry[name]
    if not isinstance(value, str) or not value:
        raise InvalidJwksError(f"{where} needs {name!r} as a non-empty string")
    return value


def _need_text(entry: Mapping[str, object], name: str, where: str) -> str:
    value = _text(entry, name, where)
    if value is None:
        raise InvalidJwksError(f"{where} has no {name!r}")
    return value


def _time(
    entry: Mapping[str, object], name: str, where: str, *, required: bool = False
) -> datetime | None:
    text = _need_text(entry, name, where) if required else _text(entry, name, where)
    if text is None:
        return None
    try:
        return parse_time(text)
    except InvalidTimeError as exc:
        raise InvalidJwksError(f"{where} member {name!r}: {exc}") from None
