"""An independent implementation agrees on roots and inclusion paths.

pymerkle numbers leaves from 1 and starts its path with the leaf's own hash; with its
default security mode it hashes exactly as RFC 6962 does. Its consistency proofs are laid
out its own way, so they are not compared here.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pymerkle import InmemoryTree

from registry.tlog import EMPTY_ROOT, MemoryTree

ENTRIES = [f"pymerkle {i}".encode() for i in range(300)]
OURS = MemoryTree(ENTRIES)
THEIRS = InmemoryTree(algorithm="sha256")
for _entry in ENTRIES:
    THEIRS.append_entry(_entry)


def test_same_leaf_hashing_and_empty_root() -> None:
    assert THEIRS.get_root(0) == EMPTY_ROOT
    assert [THEIRS.get_leaf(i + 1) for i in range(10)] == OURS.leaves[:10]


def test_same_roots_at_every_size() -> None:
    for size in range(1, len(ENTRIES) + 1):
        assert THEIRS.get_root(size) == OURS.root(size)


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_same_inclusion_paths(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, len(ENTRIES)), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    theirs = THEIRS.prove_inclusion(index + 1, size)
    assert theirs.path[0] == OURS.leaf(index)
    assert theirs.path[1:] == OURS.prove(index, size)
