"""Identifiers recognised however they are typed (search/text/identifiers.py)."""

from __future__ import annotations

import pytest

from search.text.identifiers import canonical_text, identifier_terms, identifiers
from search.text.normalize import fold

GBT = [("gbt12350", "gbt123502022")]


@pytest.mark.parametrize(
    "typed",
    [
        "GB/T 12350-2022",
        "gb/t 12350-2022",
        "ＧＢ／Ｔ　１２３５０－２０２２",
        "GB／T 12350—2022",
        "GB / T 12350 - 2022",
        "GB/T12350-2022",
        "gbt 12350 2022",
        "标准GB/T 12350-2022规定",
    ],
)
def test_one_identifier_however_typed(typed: str) -> None:
    assert identifiers(typed) == GBT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("iec tc 115", [("iectc115", "iectc115")]),
        ("IEC/TC 115", [("iectc115", "iectc115")]),
        ("TC 215", [("tc215", "tc215")]),
        ("12350-2022", [("n123502022", "n123502022")]),  # the number alone, with its year
        ("ITU-T Y.3172", [("itutY3172".lower(), "itutY3172".lower())]),
        ("T/CAS 123-2020", [("tcas123", "tcas1232020")]),
        ("IEC 62443-3-3:2013", [("iec62443", "iec62443332013")]),
        ("ISO/IEC JTC 1/SC 42", [("isoiecjtc1", "isoiecjtc1"), ("sc42", "sc42")]),
        ("CO2 storage", []),
        ("h2 pipelines", []),
        ("chapter 4", []),
        ("2023年12月", []),
    ],
)
def test_identifier_forms(text: str, expected: list[tuple[str, str]]) -> None:
    assert identifiers(text) == expected


@pytest.mark.parametrize(
    ("text", "aliases"),
    [
        ("CLC/TC 215", {"tc215"}),  # a committee is found by its code alone
        ("GB/T 12350-2022", {"n123502022"}),  # a dated standard by its number alone
        ("ISO/IEC JTC 1", {"jtc1"}),
    ],
)
def test_passages_are_found_by_aliases(text: str, aliases: set[str]) -> None:
    assert aliases <= set(identifier_terms(text))


def test_query_aliases_meet_passage_terms() -> None:
    passage = set(identifier_terms("the secretariat of CLC/TC 215 and GB/T 12350-2022"))
    for query in ("TC 215", "tc215", "12350-2022", "gb/t 12350"):
        assert {t for pair in identifiers(query) for t in pair} <= passage


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("GB / T 12350 — 2022", "gb/t 12350-2022"),
        ("see iec  tc 115 now", "see iec tc 115 now"),
        ("gbt 12350 2022", "gbt 12350-2022"),
    ],
)
def test_canonical_text(typed: str, canonical: str) -> None:
    assert canonical_text(fold(typed)) == canonical
