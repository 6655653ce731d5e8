"""C2SP tlog-policy: which logs and witnesses a verifier trusts, and the quorum it needs.

The format has no tagged version yet; this follows the text of c2sp.org/tlog-policy as
published in commit 1896a5a of the C2SP repository. A policy is lines of

    log <vkey> [<url>]
    witness <name> <vkey> [<url>]
    group <name> all|any|<k> <name>...
    quorum <name>|none

with comments (``#``) and blank lines ignored, items separated by spaces and tabs. A
group or quorum may only name what is defined above it; a name is a group member at most
once; duplicate keys are refused. A checkpoint is valid when signed by one of the logs
and cosigned by witnesses that satisfy the quorum. Empty input is invalid, never a
policy that passes everything: "no witnesses" must be said as ``quorum none``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass
from typing import Final, TypeVar

from registry.tlog.checkpoint import Checkpoint
from registry.tlog.cosignature import CosignatureVerifier, cosignatures, parse_cosigner_vkey
from registry.tlog.errors import PolicyError, QuorumError, VerifierKeyError
from registry.tlog.note import NoteVerifier, open_note, parse_verifier_key

NONE: Final = "none"
T = TypeVar("T")
MAX_ITEMS: Final = 256  # the spec asks implementations for at least 32 of each


@dataclass(frozen=True, slots=True)
class PolicyLog:
    verifier: NoteVerifier
    url: str | None = None


@dataclass(frozen=True, slots=True)
class PolicyWitness:
    name: str
    verifier: CosignatureVerifier
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    threshold: int
    members: tuple[str, ...]
    keyword: str = ""  # "all" or "any" when written so


@dataclass(frozen=True, slots=True)
class WitnessedCheckpoint:
    """A checkpoint the policy accepts: who signed, who cosigned and when (POSIX time)."""

    checkpoint: Checkpoint
    log_signers: tuple[str, ...]
    cosigned: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Policy:
    logs: tuple[PolicyLog, ...]
    witnesses: tuple[PolicyWitness, ...]
    groups: tuple[Group, ...]
    quorum: str

    def satisfied(self, witnessed: Set[str]) -> bool:
        """Whether the witnesses named in ``witnessed`` satisfy the quorum."""
        if self.quorum == NONE:
            return True
        groups = {g.name: g for g in self.groups}

        def holds(name: str) -> bool:
            group = groups.get(name)
            if group is None:
                return name in witnessed
            return sum(holds(m) for m in group.members) >= group.threshold

        return holds(self.quorum)

    def verify(self, note: bytes) -> WitnessedCheckpoint:
        """The checkpoint in ``note`` if a policy log signed it and the quorum cosigned it.

        Raises NoteError or a subclass for a malformed note or a bad known signature,
        QuorumError when the log is not one of the policy's or the quorum is not met.
        """
        if not self.logs:
            raise QuorumError("the policy names no log, so no checkpoint can be accepted")
        opened = open_note(
            note, [log.verifier for log in self.logs] + [w.verifier for w in self.witnesses]
        )
        checkpoint = Checkpoint.parse(opened.text)
        log_names = {log.verifier.name for log in self.logs}
        signers = tuple(n for n in opened.signers if n in log_names)
        if checkpoint.origin not in log_names or checkpoint.origin not in signers:
            raise QuorumError(
                f"the checkpoint of {checkpoint.origin!r} is not signed by a log of the policy"
            )
        found = cosignatures(note, [w.verifier for w in self.witnesses])
        cosigned = {w.name: found[w.verifier] for w in self.witnesses if w.verifier in found}
        if not self.satisfied(set(cosigned)):
            raise QuorumError(
                f"the checkpoint of size {checkpoint.size} lacks the policy's quorum "
                f"({self.quorum}): cosigned by {len(cosigned)} of {len(self.witnesses)} "
                f"witnesses ({', '.join(sorted(cosigned)) or 'none'})"
            )
        return WitnessedCheckpoint(checkpoint, signers, cosigned)

    def to_text(self) -> str:
        """The policy in its file format, one definition a line."""
        out = [" ".join(filter(None, ("log", log.verifier.vkey(), log.url))) for log in self.logs]
        out += [
            " ".join(filter(None, ("witness", w.name, w.verifier.vkey(), w.url)))
            for w in self.witnesses
        ]
        out += [
            f"group {g.name} {g.keyword or g.threshold} {' '.join(g.members)}" for g in self.groups
        ]
        out.append(f"quorum {self.quorum}")
        return "".join(line + "\n" for line in out)

    def with_logs(self, *logs: PolicyLog) -> Policy:
        """This policy for the given logs instead of its own."""
        return Policy(tuple(logs), self.witnesses, self.groups, self.quorum)


def parse_policy(data: bytes | str) -> Policy:
    """A policy from its text (tlog-policy, "Policy file syntax and structure").

    Raises PolicyError naming the line and what is wrong.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if any((b < 0x20 and b not in (0x09, 0x0A)) or b == 0x7F for b in raw):
        raise PolicyError("a policy allows no control characters other than tab and newline")
    text = raw.decode("utf-8", errors="surrogateescape")
    logs: list[PolicyLog] = []
    witnesses: list[PolicyWitness] = []
    groups: list[Group] = []
    quorum: str | None = None
    defined: set[str] = set()
    keys: set[bytes] = set()
    for number, line in enumerate(text.split("\n"), start=1):
        words = line.replace("\t", " ").split(" ")
        words = [w for w in words if w]
        if not words or words[0].startswith("#"):
            continue
        where = f"policy line {number}"
        kind, args = words[0], words[1:]
        if kind == "log":
            if not 1 <= len(args) <= 2:
                raise PolicyError(f"{where}: 'log' takes a verifier key and an optional URL")
            verifier = _key(where, args[0], parse_verifier_key)
            _unique_key(where, keys, verifier.public_key)
            logs.append(PolicyLog(verifier, args[1] if len(args) == 2 else None))
        elif kind == "witness":
            if not 2 <= len(args) <= 3:
                raise PolicyError(
                    f"{where}: 'witness' takes a name, a verifier key and an optional URL"
                )
            _define(where, defined, args[0])
            cosigner = _key(where, args[1], parse_cosigner_vkey)
            _unique_key(where, keys, cosigner.public_key)
            witnesses.append(PolicyWitness(args[0], cosigner, args[2] if len(args) == 3 else None))
        elif kind == "group":
            groups.append(_group(where, args, defined))
            _define(where, defined, args[0])
        elif kind == "quorum":
            if quorum is not None:
                raise PolicyError(
                    f"{where}: a policy has exactly one quorum line; this is a second"
                )
            if len(args) != 1 or (args[0] != NONE and args[0] not in defined):
                raise PolicyError(f"{where}: 'quorum' takes one name defined above it, or 'none'")
            quorum = args[0]
        else:
            raise PolicyError(f"{where}: unknown keyword {kind!r} (log, witness, group or quorum)")
        if len(logs) > MAX_ITEMS or len(witnesses) > MAX_ITEMS or len(groups) > MAX_ITEMS:
            raise PolicyError(f"a policy has at most {MAX_ITEMS} logs, witnesses and groups each")
    if quorum is None:
        raise PolicyError("a policy needs a quorum line ('quorum none' for no witnesses)")
    return Policy(tuple(logs), tuple(witnesses), tuple(groups), quorum)


def _key(where: str, value: str, parse: Callable[[str], T]) -> T:
    try:
        return parse(value)
    except VerifierKeyError as error:
        raise PolicyError(f"{where}: {error.detail}") from None


def _unique_key(where: str, keys: set[bytes], public_key: bytes) -> None:
    if public_key in keys:
        raise PolicyError(f"{where}: the same public key appears twice in the policy")
    keys.add(public_key)


def _define(where: str, defined: set[str], name: str) -> None:
    if name == NONE:
        raise PolicyError(f"{where}: 'none' is a reserved name")
    if name in defined:
        raise PolicyError(f"{where}: the name {name!r} is already defined")
    defined.add(name)


def _group(where: str, args: list[str], defined: set[str]) -> Group:
    if len(args) < 3:
        raise PolicyError(f"{where}: 'group' takes a name, all|any|<k> and at least one member")
    name, rule, members = args[0], args[1], tuple(args[2:])
    for member in members:
        if member not in defined:
            raise PolicyError(f"{where}: group member {member!r} is not defined above it")
    if len(set(members)) != len(members):
        raise PolicyError(f"{where}: a name is listed twice in group {name!r}")
    if rule == "all":
        return Group(name, len(members), members, "all")
    if rule == "any":
        return Group(name, 1, members, "any")
    if not rule.isascii() or not rule.isdigit() or (len(rule) > 1 and rule[0] == "0"):
        raise PolicyError(f"{where}: group threshold must be all, any or a decimal, got {rule!r}")
    k = int(rule)
    if not 1 <= k <= len(members):
        raise PolicyError(f"{where}: group threshold {k} is not between 1 and {len(members)}")
    return Group(name, k, members)
