"""A root or a proof costs one batched read of O(log n) hashes, whatever the log's size."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from registry.tlog import (
    Coord,
    LeafHash,
    MemoryHashStore,
    append_nodes,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root,
)

SIZE = 1 << 16


class CountingStore:
    """Counts calls and hashes read, as a database-backed store would count rows."""

    def __init__(self, inner: MemoryHashStore) -> None:
        self.inner = inner
        self.calls = 0
        self.reads = 0

    def get_hashes(self, coords: Sequence[Coord]) -> Mapping[Coord, bytes]:
        self.calls += 1
        self.reads += len(coords)
        return self.inner.get_hashes(coords)

    def reset(self) -> None:
        self.calls = self.reads = 0


@pytest.fixture(scope="module")
def store() -> CountingStore:
    inner = MemoryHashStore()
    for i in range(SIZE):
        inner.append(leaf_hash(i.to_bytes(4, "big")))
    return CountingStore(inner)


def _bound(n: int) -> int:
    return 2 * (n - 1).bit_length() + 2


SIZES = [SIZE, SIZE - 1, 50_001, 40_000, 3]


@pytest.mark.parametrize("size", SIZES)
def test_inclusion_reads_log_n_hashes_in_one_call(store: CountingStore, size: int) -> None:
    for index in {0, 1, size // 3, size // 2, size - 2, size - 1}:
        store.reset()
        inclusion_proof(index, size, store)
        assert store.calls == 1
        assert store.reads <= _bound(size), (index, size, store.reads)


@pytest.mark.parametrize("size", SIZES)
def test_consistency_reads_log_n_hashes_in_one_call(store: CountingStore, size: int) -> None:
    for first in {1, 2, size // 3, size // 2, size - 1, size}:
        store.reset()
        consistency_proof(first, size, store)
        assert store.calls <= 1
        assert store.reads <= _bound(size), (first, size, store.reads)


@pytest.mark.parametrize("size", SIZES)
def test_root_reads_one_hash_per_set_bit(store: CountingStore, size: int) -> None:
    store.reset()
    root(size, store)
    assert (store.calls, store.reads) == (1, size.bit_count())


def test_append_reads_only_left_siblings(store: CountingStore) -> None:
    store.reset()
    nodes = append_nodes(SIZE - 1, LeafHash(store.inner.hashes[(0, SIZE - 1)]), store)
    assert store.calls == 1
    assert store.reads == 16  # leaf 65535 completes 16 subtrees, one left sibling each
    assert len(nodes) == 17


def test_reads_grow_like_log_n_not_n(store: CountingStore) -> None:
    costs = []
    for size in (1 << 8, 1 << 12, 1 << 16):
        store.reset()
        inclusion_proof(size // 2 + 1, size, store)
        consistency_proof(size // 2 + 1, size, store)
        costs.append(store.reads)
    # from 256 to 65,536 leaves (x256) the cost may grow by 8 + 8 hashes per proof pair
    assert costs[2] - costs[0] <= 2 * 8 + 2
