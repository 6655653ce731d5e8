"""Index drawing: random, never repeated within a list, and a new list at half use."""

from __future__ import annotations

from registry.domain.bitstring import LIST_SIZE
from registry.status_lists.service import _Allocation


def _allocation(number: int, taken: set[int]) -> _Allocation:
    allocation = object.__new__(_Allocation)
    allocation.number, allocation.taken, allocation.opened = number, taken, False
    return allocation


def test_draws_are_unique_and_a_half_used_list_opens_the_next_number() -> None:
    half = LIST_SIZE // 2
    taken = {2 * i for i in range(half - 3)}  # three short of half
    allocation = _allocation(1, set(taken))
    drawn = [allocation.draw() for _ in range(6)]
    first_list = [(n, i) for n, i, _ in drawn if n == 1]
    assert len(first_list) == 3 and not {i for _, i in first_list} & taken, "never a taken index"
    assert len({i for _, i in first_list}) == 3
    later = [(n, i, opened) for n, i, opened in drawn if n == 2]
    assert len(later) == 3 and [o for *_, o in later] == [True, False, False]
    assert len({i for _, i, _ in later}) == 3
