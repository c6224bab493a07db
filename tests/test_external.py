"""The external benchmark's pure parts (eval/external/parallel.py) on the packaged pairs."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytest.importorskip("hsk_sentences_audio", reason="pip install -e '.[eval]'")

_PATH = Path(__file__).resolve().parents[1] / "eval" / "external" / "parallel.py"
_SPEC = importlib.util.spec_from_file_location("external_parallel", _PATH)
parallel = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(parallel)


def test_pairs_are_reproducible_and_distinct() -> None:
    a, b = parallel.load_pairs(50), parallel.load_pairs(50)
    assert a == b and len(a) == 50
    texts = [t for _, zh, en in a for t in (zh, en)]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize("name", parallel.LAYOUTS)
def test_every_query_crosses_languages(name: str) -> None:
    from search.text.lang import detect_lang

    pairs = parallel.load_pairs(40)
    passages, queries = parallel.layout(name, pairs)
    assert len(passages) == len(queries) == 40
    for q in queries:
        assert detect_lang(q["q"]) != detect_lang(q["gold"][0])
    langs = {detect_lang(t) for t in passages.values()}
    assert langs == ({"zh", "en"} if name == "mixed" else {name[:2]})


def test_paired_bootstrap_interval() -> None:
    same = [1, 2, None, 1] * 10
    mean, lo, hi = parallel.paired_bootstrap(same, same)
    assert mean == lo == hi == 0
    better = [1] * 40
    mean, lo, hi = parallel.paired_bootstrap(better, same)
    assert mean > 0 and 0 < lo <= mean <= hi
