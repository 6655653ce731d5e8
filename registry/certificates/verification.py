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

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from registry.bootstrap import Services
from registry.certificates.schemas import CertificatePublic
from registry.errors import NotFoundError, RegistryError
from registry.logcheck.inclusion import prove_entry
from registry.signing import VerifiedCredential, parse_jwks, parse_time, verify_credential
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


def check_certificate(registry: Services, certificate: CertificatePublic) -> ServerCheck:
    token = registry.certificates.credential(certificate.code)
    logged = _log_step(registry, certificate.code, token)
    log_step = logged.step
    policy = registry.transparency.witness_policy
    witnesses = None if policy is None else len(policy.witnesses)
    try:
        verified = verify_credential(
            token, parse_jwks(registry.transparency.jwks()), logged_at=logged.logged_at
        )
    except RegistryError as error:
        return ServerCheck(
            steps=[Step("signature", "failed", error.detail), log_step],
            cosigned=logged.cosigned,
            witnesses=witnesses,
        )
    content = _content_step(verified, certificate)
    subject = verified.payload.get("credentialSubject", {})
    assessment = subject.get("assessment", {}) if isinstance(subject, dict) else {}
    return ServerCheck(
        steps=[Step("signature", "passed"), content, log_step],
        kid=verified.kid,
        key_status=verified.key_status,
        log_index=logged.index,
        tree_size=logged.size,
        audit_end=_day(assessment.get("auditEnd")) if isinstance(assessment, dict) else None,
        cosigned=logged.cosigned,
        witnesses=witnesses,
    )


def _content_step(verified: VerifiedCredential, certificate: CertificatePublic) -> Step:
    payload = verified.payload
    subject = payload.get("credentialSubject")
    if not isinstance(subject, dict):
        return Step("content", "failed", "the credential has no credentialSubject")
    holder = subject.get("holder") or {}
    scheme = subject.get("scheme") or {}
    expected: list[tuple[str, Any, Any]] = [
        ("certificate", subject.get("certificate"), certificate.code),
        ("holder", holder.get("legalName"), certificate.holder.legal_name),
        (
            "registration number",
            holder.get("registrationNumber"),
            certificate.holder.registration_number,
        ),
        ("scheme", scheme.get("id"), certificate.scheme.slug),
        ("scheme version", scheme.get("version"), certificate.scheme_version),
        ("valid until", _instant(payload.get("validUntil")), certificate.valid_until),
    ]
    for name, signed, shown in expected:
        if signed != shown:
            return Step("content", "failed", f"the signed {name} differs from the page")
    return Step("content", "passed")


def _instant(value: Any) -> datetime | None:
    try:
        return parse_time(value) if isinstance(value, str) else None
    except RegistryError:
        return None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@dataclass(frozen=True)
class _Logged:
    """The log step and what it found: when the entry was logged, where, in which tree,
    and how many of the policy's witnesses cosigned that tree's checkpoint."""

    step: Step
    logged_at: datetime | None = None
    index: int | None = None
    size: int | None = None
    cosigned: int | None = None


def _log_step(registry: Services, code: str, token: str) -> _Logged:
    try:
        raw = registry.transparency.certificate_proof(code)
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
    logged_at = _instant(proven.entry.get("time"))
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
