"""Identifiers recognised however they are typed (search/text/identifiers.py)."""

from __future__ import annotations

import pytest

from search.text.identifiers import canonical_text, identifier_terms, identifiers
from search.text.normalize import fold

GBT = [("gbt31415", "gbt314152019")]


@pytest.mark.parametrize(
    "typed",
    [
        "GB/T 31415-2019",
        "gb/t 31415-2019",
        "ＧＢ／Ｔ　３１４１５－２０１９",
        "GB／T 31415—2019",
        "GB / T 31415 - 2019",
        "GB/T31415-2019",
        "gbt 31415 2019",
        "标准GB/T 31415-2019规定",
    ],
)
def test_one_identifier_however_typed(typed: str) -> None:
    assert identifiers(typed) == GBT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("iec tc 117", [("iectc117", "iectc117")]),
        ("IEC/TC 117", [("iectc117", "iectc117")]),
        ("TC 204", [("tc204", "tc204")]),
        ("31415-2019", [("n314152019", "n314152019")]),  # the number alone, with its year
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
        ("CLC/TC 204", {"tc204"}),  # a committee is found by its code alone
        ("GB/T 31415-2019", {"n314152019"}),  # a dated standard by its number alone
        ("ISO/IEC JTC 1", {"jtc1"}),
    ],
)
def test_passages_are_found_by_aliases(text: str, aliases: set[str]) -> None:
    assert aliases <= set(identifier_terms(text))


def test_query_aliases_meet_passage_terms() -> None:
    passage = set(identifier_terms("the secretariat of CLC/TC 204 and GB/T 31415-2019"))
    for query in ("TC 204", "tc204", "31415-2019", "gb/t 31415"):
        assert {t for pair in identifiers(query) for t in pair} <= passage


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("GB / T 31415 — 2019", "gb/t 31415-2019"),
        ("see iec  tc 117 now", "see iec tc 117 now"),
        ("gbt 31415 2019", "gbt 31415-2019"),
    ],
)
def test_canonical_text(typed: str, canonical: str) -> None:
    assert canonical_text(fold(typed)) == canonical
