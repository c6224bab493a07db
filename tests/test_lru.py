"""The bounded, locked LRU cache, and a Searcher whose passage caches are shared by many
threads answering at once (as a server worker's threads do)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import search.searcher
from search.lru import LRUCache
from search.searcher import Searcher

QUERIES = ["circular economy", "碳捕集 标准", "GB 23350-2021", "packaging standard", "碳达峰"]


def test_least_recently_used_goes_first() -> None:
    cache: LRUCache[int, str] = LRUCache(3)
    cache.put_many({1: "a", 2: "b", 3: "c"})
    assert cache.get(1) == "a"  # 1 is now the most recent
    cache.put(4, "d")
    assert cache.get(2) is None and len(cache) == 3
    assert cache.get_many([4, 2, 1, 3]) == {4: "d", 1: "a", 3: "c"}
    cache.put_many({n: str(n) for n in range(10, 20)})  # more than it holds at once
    assert len(cache) == 3 and cache.get_many(range(20)) == {17: "17", 18: "18", 19: "19"}


def test_a_cache_holds_at_least_one_entry() -> None:
    with pytest.raises(ValueError, match="at least 1 entry"):
        LRUCache(0)


def test_concurrent_writers_never_exceed_the_bound() -> None:
    cache: LRUCache[int, int] = LRUCache(50)
    sizes: list[int] = []

    def work(start: int) -> None:
        for n in range(start, start + 2000):
            cache.put_many({n: n, n + 1: n + 1})
            got = cache.get_many([n, n - 1, n + 1])
            assert all(key == value for key, value in got.items())
            sizes.append(len(cache))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(0, 80_000, 10_000)))
    assert max(sizes) <= 50


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Threads switch as often as the interpreter allows, so races show up."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def answers(searcher: Searcher, q: str) -> list[tuple[str, str, str]]:
    response = searcher.search(q, k=5)
    return [(r.chunk_id, r.snippet, r.match) for r in response.results]


def test_threads_sharing_one_searcher_get_the_single_thread_answers(
    tiny_index: Path, monkeypatch: pytest.MonkeyPatch, busy_switching: None
) -> None:
    reference = Searcher.open(tiny_index)
    want = {q: answers(reference, q) for q in QUERIES}
    monkeypatch.setattr(search.searcher, "PASSAGE_CACHE", 3)  # evicting on every query
    shared = Searcher.open(tiny_index)
    barrier = threading.Barrier(8)

    def work(n: int) -> list[bool]:
        barrier.wait()
        return [answers(shared, q) == want[q] for q in (QUERIES * 8)[n : n + 30]]

    with ThreadPoolExecutor(8) as pool:
        same = [ok for batch in pool.map(work, range(8)) for ok in batch]
    assert len(same) == 240 and all(same)
    assert len(shared._chunks) <= 3 and len(shared._held) <= 3
