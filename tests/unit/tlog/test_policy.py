"""C2SP tlog-policy: parsing to the letter and quorum evaluation."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.tlog import Checkpoint, Ed25519NoteSigner, Hash, sign_note
from registry.tlog.cosignature import Cosigner
from registry.tlog.policy import PolicyError, QuorumError, parse_policy


def _cosigner(name: str) -> Cosigner:
    key = Ed25519PrivateKey.generate()
    return Cosigner(name, key.public_key().public_bytes_raw(), key.sign)


WITNESSES = {n: _cosigner(f"w.example/{n}") for n in ("X1", "X2", "X3", "Y1", "Y2", "Y3")}
LOG_KEY = Ed25519PrivateKey.generate()
LOG = Ed25519NoteSigner("example.com/log", LOG_KEY.public_key().public_bytes_raw(), LOG_KEY.sign)


def _spec_example() -> str:
    """The specification's example policy, with real keys and comments and tabs added."""
    w = {n: c.verifier.vkey() for n, c in WITNESSES.items()}
    return (
        f"# example\nlog {LOG.verifier.vkey()}\n\n"
        f"witness X1 {w['X1']}\nwitness X2 {w['X2']}\n\twitness X3 {w['X3']}  \n"
        "group X-witnesses 2 X1 X2 X3\n\n"
        f"witness Y1 {w['Y1']}\nwitness Y2 {w['Y2']}\nwitness Y3 {w['Y3']} https://y3.example\n"
        "group Y-witnesses any Y1 Y2 Y3\n\n"
        "group X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n"
    )


def test_the_spec_example_quorum() -> None:
    policy = parse_policy(_spec_example())
    assert policy.satisfied({"X1", "X3", "Y2"})
    assert not policy.satisfied({"X1", "Y2"})
    assert not policy.satisfied({"X1", "X2", "X3"})
    assert policy.witnesses[-1].url == "https://y3.example"
    assert parse_policy(policy.to_text()) == policy


def test_verify_counts_valid_cosignatures_only() -> None:
    policy = parse_policy(_spec_example())
    text = Checkpoint("example.com/log", 7, Hash(bytes(32))).to_text()
    note = sign_note(text, [LOG])
    lines = "".join(WITNESSES[n].cosign(text, 100 + i) for i, n in enumerate(("X1", "X2", "Y3")))
    witnessed = policy.verify(note + lines.encode())
    assert witnessed.cosigned == {"X1": 100, "X2": 101, "Y3": 102}
    with pytest.raises(QuorumError, match="2 of 6"):
        policy.verify(
            note + lines.encode().split(b"\n")[0] + b"\n" + WITNESSES["Y1"].cosign(text, 1).encode()
        )
    other = Ed25519PrivateKey.generate()
    stranger = Ed25519NoteSigner(
        "example.com/log", other.public_key().public_bytes_raw(), other.sign
    )
    with pytest.raises(QuorumError, match="not signed by a log of the policy"):
        policy.verify(sign_note(text, [stranger]) + lines.encode())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "quorum line"),
        ("# nothing\n", "quorum line"),
        ("quorum X\n", "defined above"),
        ("group G any X\nquorum G\n", "not defined above"),
        ("quorum none\nquorum none\n", "exactly one"),
        ("frobnicate x\nquorum none\n", "unknown keyword"),
        ("quorum none\x0b\n", "control characters"),
    ],
)
def test_bad_policies_are_refused_by_line(text: str, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy(text)


def test_duplicates_thresholds_and_reserved_names() -> None:
    x1 = WITNESSES["X1"].verifier.vkey()
    x2 = WITNESSES["X2"].verifier.vkey()
    with pytest.raises(PolicyError, match="twice"):
        parse_policy(f"witness A {x1}\nwitness B {x1}\nquorum A\n")
    with pytest.raises(PolicyError, match="already defined"):
        parse_policy(f"witness A {x1}\nwitness A {x2}\nquorum A\n")
    with pytest.raises(PolicyError, match="between 1 and 2"):
        parse_policy(f"witness A {x1}\nwitness B {x2}\ngroup G 3 A B\nquorum G\n")
    with pytest.raises(PolicyError, match="group threshold"):
        parse_policy(f"witness A {x1}\nwitness B {x2}\ngroup G 01 A B\nquorum G\n")
    with pytest.raises(PolicyError, match="listed twice"):
        parse_policy(f"witness A {x1}\ngroup G any A A\nquorum G\n")
    with pytest.raises(PolicyError, match="reserved"):
        parse_policy(f"witness none {x1}\nquorum none\n")
    assert parse_policy("quorum none\n").satisfied(set())
