"""C2SP tlog-checkpoint text: the spec's example, a round trip, and strict refusals."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from hypothesis import given
from hypothesis import strategies as st

from registry.tlog import (
    EMPTY_ROOT,
    Checkpoint,
    CheckpointError,
    Ed25519NoteSigner,
    Hash,
    MemoryTree,
    UnverifiedNoteError,
    open_note,
    parse_verifier_key,
    sign_note,
)

# The example of c2sp.org/tlog-checkpoint.
SPEC_NOTE = (
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5"
    "/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
)
ROOT = Hash(bytes(range(32)))


def test_spec_example_parses() -> None:
    text = SPEC_NOTE.split("\n\n")[0] + "\n"
    checkpoint = Checkpoint.parse(text)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.root_hash == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint.extensions == ()
    assert checkpoint.to_text() == text


def test_spec_example_is_a_well_formed_note_from_an_unknown_key() -> None:
    with pytest.raises(UnverifiedNoteError):
        open_note(SPEC_NOTE.encode(), [])


def test_text_form() -> None:
    cp = Checkpoint("registry.example/log/q7x2", 7, ROOT, ("ext one",))
    assert cp.to_text() == (
        "registry.example/log/q7x2\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\next one\n"
    )
    assert Checkpoint.parse(cp.to_text()) == cp


def test_empty_tree_checkpoint() -> None:
    cp = Checkpoint("o", 0, EMPTY_ROOT)
    assert Checkpoint.parse(cp.to_text()) == cp


@given(
    origin=st.text(st.characters(min_codepoint=0x20, exclude_characters="\n"), min_size=1),
    size=st.integers(0, 2**63 - 1),
    root=st.binary(min_size=32, max_size=32),
    extensions=st.lists(
        st.text(st.characters(min_codepoint=0x20), min_size=1, max_size=10), max_size=3
    ),
)
def test_round_trip(origin: str, size: int, root: bytes, extensions: list[str]) -> None:
    cp = Checkpoint(origin, size, Hash(root), tuple(extensions))
    assert Checkpoint.parse(cp.to_text()) == cp


@pytest.mark.parametrize(
    "text",
    [
        "",
        "o\n7\n",
        "o\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",  # no final newline
        "\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",  # empty origin
        "o\n07\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",  # leading zero
        "o\n+7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "o\n-1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "o\n 7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "o\n٧\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",  # an Arabic-Indic seven
        "o\n9223372036854775808\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "o\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n",  # no padding
        "o\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=\n",  # stray trailing bits
        "o\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=AA==\n",
        "o\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd\n",  # 30 bytes
        "o\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\n",  # empty extension line
        "o\r\n7\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
    ],
)
def test_strict_parse(text: str) -> None:
    with pytest.raises(CheckpointError):
        Checkpoint.parse(text)


def test_constructor_refuses_what_cannot_be_written() -> None:
    with pytest.raises(CheckpointError):
        Checkpoint("", 1, ROOT)
    with pytest.raises(CheckpointError):
        Checkpoint("a\nb", 1, ROOT)
    with pytest.raises(CheckpointError):
        Checkpoint("o", -1, ROOT)
    with pytest.raises(CheckpointError, match="32 bytes, got 31"):
        Checkpoint("o", 1, Hash(ROOT[:31]))
    with pytest.raises(CheckpointError):
        Checkpoint("o", 1, ROOT, ("",))


def test_signed_checkpoint_of_a_tree() -> None:
    tree = MemoryTree([b"a", b"b", b"c"])
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    signer = Ed25519NoteSigner("registry.example/log/q7x2", public, private.sign)
    cp = Checkpoint("registry.example/log/q7x2", tree.size, tree.root())
    note = sign_note(cp.to_text(), [signer])
    opened = open_note(note, [parse_verifier_key(signer.verifier.vkey())])
    assert Checkpoint.parse(opened.text) == cp
    assert opened.signers == ("registry.example/log/q7x2",)
