"""The server's own check of a certificate page: the same steps the page's script takes.

For browsers without Ed25519 in WebCrypto, and as a second opinion for those with it:

1. the credential verifies under its key in the JWKS (``verify_credential``), and a
   compromised key is refused unless the credential's log entry predates the compromise;
2. the credential says what the page says (code, holder, registration number, scheme,
   version, validity);
3. the credential's log entry is in the log: the proof bundle's checkpoint is signed by
   the log key, the inclusion proof leads from the entry to its root, and the entry
   carries this credential byte for byte; when the registry names witnesses, the
   checkpoint also carries the quorum of cosignatures its published policy
   (``/log/policy``) asks for, else the step fails: a page that the witnesses never saw
   could be one shown to this visitor alone.

The log step is reported as unavailable when the registry serves no proof for the
certificate (yet). Nothing here raises for a bad credential: every outcome is a result
to show.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from registry.bootstrap import Services
from registry.certificates.credential_check import check_credential, instant
from registry.certificates.queries import CertificateSnapshot
from registry.certificates.schemas import CertificatePublic
from registry.errors import NotFoundError, RegistryError
from registry.logcheck.inclusion import prove_entry
from registry.signing import parse_jwks
from registry.tlog import ProofBundle, parse_verifier_key
from registry.tlog.cosignature import cosignatures
from registry.tlog.policy import Policy, PolicyLog

Outcome = Literal["passed", "failed", "unavailable"]


@dataclass(frozen=True)
class Step:
    name: str  # "signature" | "content" | "log"
    outcome: Outcome
    detail: str = ""


@dataclass(frozen=True)
class ServerCheck:
    steps: list[Step] = field(default_factory=list)
    kid: str = ""
    key_status: str = ""
    log_index: int | None = None
    tree_size: int | None = None
    audit_end: date | None = None
    cosigned: int | None = None  # witnesses of the policy that cosigned (None: no policy)
    witnesses: int | None = None


def check_certificate(
    registry: Services, certificate: CertificatePublic | CertificateSnapshot
) -> ServerCheck:
    """The page's checks of ``certificate``: the signature and content steps as its read
    row stored them when it last changed, the log step against today's checkpoint."""
    snapshot = (
        certificate
        if isinstance(certificate, CertificateSnapshot)
        else registry.certificates.certificate_snapshot(certificate.code)
    )
    found = snapshot.public
    # The credential as served now: if it is not the one the read row checked (a row
    # changed behind the registry's back), it is checked again here.
    token = registry.certificates.credential(found.code)
    logged = _log_step(registry, snapshot, token)
    log_step = logged.step
    policy = registry.transparency.witness_policy
    witnesses = None if policy is None else len(policy.witnesses)
    stored = snapshot.check
    if stored is None or _digest(token) != snapshot.credential_sha256:
        stored = check_credential(
            token, parse_jwks(registry.transparency.jwks()), logged.logged_at, found
        )
    if stored.signature != "passed":
        return ServerCheck(
            steps=[Step("signature", "failed", stored.signature_detail), log_step],
            cosigned=logged.cosigned,
            witnesses=witnesses,
        )
    content = Step("content", stored.content, stored.content_detail)  # type: ignore[arg-type]
    return ServerCheck(
        steps=[Step("signature", "passed"), content, log_step],
        kid=stored.kid,
        key_status=_key_status(registry, stored.kid),
        log_index=logged.index,
        tree_size=logged.size,
        audit_end=stored.audit_end,
        cosigned=logged.cosigned,
        witnesses=witnesses,
    )


def _key_status(registry: Services, kid: str) -> str:
    """The key's status today (a rotation retires it without changing the certificate)."""
    record = next((k for k in parse_jwks(registry.transparency.jwks()) if k.kid == kid), None)
    return record.status if record is not None else ""


@dataclass(frozen=True)
class _Logged:
    """The log step and what it found: when the entry was logged, where, in which tree,
    and how many of the policy's witnesses cosigned that tree's checkpoint."""

    step: Step
    logged_at: datetime | None = None
    index: int | None = None
    size: int | None = None
    cosigned: int | None = None


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def _log_step(registry: Services, snapshot: CertificateSnapshot, token: str) -> _Logged:
    code = snapshot.public.code
    try:
        if snapshot.credential_index is None:
            raw = registry.transparency.certificate_proof(code)
        else:
            raw = registry.transparency.entry_proof(snapshot.credential_index)
        vkey = registry.transparency.log_vkey()
    except NotFoundError:
        return _Logged(Step("log", "unavailable"))
    try:
        proven = prove_entry(raw, vkey)
    except RegistryError as error:
        return _Logged(Step("log", "failed", error.detail))
    if proven.entry is None:
        return _Logged(Step("log", "failed", "the log entry is not JSON"))
    if proven.credential != token:
        return _Logged(Step("log", "failed", "the log entry carries another credential"))
    if proven.data.get("code") != code:
        return _Logged(Step("log", "failed", "the log entry is about another certificate"))
    logged_at = instant(proven.entry.get("time"))
    policy = registry.transparency.witness_policy
    if policy is None:
        return _Logged(Step("log", "passed"), logged_at, proven.index, proven.tree_size)
    cosigned, problem = _witnessed(policy, vkey, ProofBundle.parse(raw).checkpoint)
    step = Step("log", "failed", problem) if problem else Step("log", "passed")
    return _Logged(step, logged_at, proven.index, proven.tree_size, cosigned)


def _witnessed(policy: Policy, vkey: str, note: bytes) -> tuple[int, str]:
    """How many of the policy's witnesses cosigned ``note``, and what is wrong ("" when
    the quorum holds): the published policy, for this log."""
    for_this_log = policy.with_logs(PolicyLog(parse_verifier_key(vkey)))
    try:
        return len(for_this_log.verify(note).cosigned), ""
    except RegistryError as error:
        try:
            found = cosignatures(note, [w.verifier for w in policy.witnesses])
        except RegistryError:
            found = {}
        return len(found), error.detail
