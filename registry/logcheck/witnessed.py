"""The witness quorum check of ``registry verify --policy`` and ``registry log monitor
--policy``: a checkpoint counts only when the policy's quorum of witnesses cosigned it.

The policy is a C2SP tlog-policy file, such as the one a registry publishes at
``/log/policy``. A policy without ``log`` lines is taken for the log of the pinned
verifier key; an empty file is an error, never a policy that accepts everything.
"""

from __future__ import annotations

from pathlib import Path

from registry.errors import RegistryError
from registry.logcheck.errors import LogCheckError
from registry.signing import format_time
from registry.tlog import parse_verifier_key
from registry.tlog.policy import Policy, PolicyLog, parse_policy

NO_QUORUM = "log-no-witness-quorum"


def read_policy(path: str) -> Policy:
    """The policy in the file at ``path``. Raises LogCheckError when unreadable or invalid."""
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise LogCheckError(f"cannot read the policy file {path}: {error.strerror}") from None
    try:
        return parse_policy(data)
    except RegistryError as error:
        raise LogCheckError(f"{path}: {error.detail}") from None


def check_quorum(note: bytes, policy: Policy, vkey: str | None = None) -> list[str]:
    """Lines saying who cosigned ``note``; raises LogCheckError without the quorum."""
    if not policy.logs and vkey:
        policy = policy.with_logs(PolicyLog(parse_verifier_key(vkey)))
    try:
        witnessed = policy.verify(note)
    except RegistryError as error:
        raise LogCheckError(f"witness policy not met: {error.detail}", rule=NO_QUORUM) from None
    from datetime import UTC, datetime

    cosigned = ", ".join(
        f"{name} at {format_time(datetime.fromtimestamp(at, UTC))}"
        for name, at in sorted(witnessed.cosigned.items())
    )
    return [
        f"witness quorum met ({policy.quorum}): checkpoint of size {witnessed.checkpoint.size} "
        f"cosigned by {len(witnessed.cosigned)} of {len(policy.witnesses)} witnesses"
        + (f": {cosigned}" if cosigned else "")
    ]
